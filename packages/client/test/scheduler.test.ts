import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SyncScheduler } from '../src/sync/scheduler.js';

/** The scheduler's timing rules (pure logic over fake timers; the SDK's real rounds are in sync.test.ts). */
describe('SyncScheduler', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('skips background rounds while offline, and runs at once when nudged back online', async () => {
    let offline = true;
    const run = vi.fn(async () => {});
    const skipped = vi.fn();
    const scheduler = new SyncScheduler({ run, offline: () => offline, skipped, intervalMs: 1_000 });
    scheduler.start();
    await vi.advanceTimersByTimeAsync(5_500);
    expect(run).not.toHaveBeenCalled();
    expect(skipped.mock.calls.length).toBeGreaterThanOrEqual(5); // the start, then once per interval

    offline = false;
    scheduler.nudge(true); // the `online` event
    await vi.advanceTimersByTimeAsync(0);
    expect(run).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(run).toHaveBeenCalledTimes(2);
    scheduler.stop();
  });

  it('backs off after failures (jittered, capped) and returns to the interval after a success', async () => {
    let fail = true;
    const started: number[] = [];
    const run = vi.fn(async () => {
      started.push(Date.now());
      if (fail) throw new Error('unreachable');
    });
    const scheduler = new SyncScheduler({
      run,
      intervalMs: 10_000,
      minBackoffMs: 1_000,
      maxBackoffMs: 4_000,
      random: () => 1, // the top of each jitter range
    });
    scheduler.start();
    await vi.advanceTimersByTimeAsync(0);
    await vi.advanceTimersByTimeAsync(1_000 + 2_000 + 4_000 + 4_000);
    const gaps = started.slice(1).map((t, i) => t - (started[i] as number));
    expect(gaps).toEqual([1_000, 2_000, 4_000, 4_000]);

    fail = false;
    await vi.advanceTimersByTimeAsync(4_000);
    const afterSuccess = started.length;
    await vi.advanceTimersByTimeAsync(9_999);
    expect(started.length).toBe(afterSuccess);
    await vi.advanceTimersByTimeAsync(1);
    expect(started.length).toBe(afterSuccess + 1);
    scheduler.stop();
  });
});
