import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compareStamps,
  DEFAULT_MAX_DRIFT_MS,
  formatStamp,
  HybridClock,
  MAX_COUNTER,
  parseStamp,
  StampSchema,
  stampDevice,
  stampWallMs,
} from '../src/clock/index.js';
import { KakeiboError } from '../src/errors.js';

const A = 'aaaaaaaaaaaaaaaa';
const B = 'bbbbbbbbbbbbbbbb';
const T0 = Date.UTC(2026, 10, 24, 9, 0, 0);

/** A wall clock the test moves by hand. */
function manualClock(start = T0) {
  let t = start;
  return { now: () => t, set: (v: number) => (t = v), add: (ms: number) => (t += ms) };
}

describe('HLC stamps', () => {
  it('serialise to fixed width and round-trip', () => {
    const s = formatStamp({ wallMs: T0, counter: 7, deviceId: A });
    expect(s).toMatch(/^[0-9a-f]{12}-0007-a{16}$/);
    expect(parseStamp(s)).toEqual({ wallMs: T0, counter: 7, deviceId: A });
    expect(stampWallMs(s)).toBe(T0);
    expect(stampDevice(s)).toBe(A);
    expect(StampSchema.safeParse(s).success).toBe(true);
  });

  it('order as strings exactly as by (wall, counter, device)', () => {
    const part = fc.record({
      wallMs: fc.integer({ min: 0, max: 0xffff_ffff_ffff }),
      counter: fc.integer({ min: 0, max: MAX_COUNTER }),
      deviceId: fc.constantFrom(A, B, '0123456789abcdef'),
    });
    fc.assert(
      fc.property(part, part, (x, y) => {
        const expected =
          x.wallMs - y.wallMs ||
          x.counter - y.counter ||
          (x.deviceId < y.deviceId ? -1 : x.deviceId > y.deviceId ? 1 : 0);
        expect(Math.sign(compareStamps(formatStamp(x), formatStamp(y)))).toBe(Math.sign(expected));
      }),
    );
  });

  it.each([
    ['uppercase hex', '0191A2B3C4D5-0000-aaaaaaaaaaaaaaaa'],
    ['short device', '0191a2b3c4d5-0000-aaaa'],
    ['missing counter', '0191a2b3c4d5-aaaaaaaaaaaaaaaa'],
    ['empty', ''],
  ])('reject a malformed stamp (%s)', (_label, stamp) => {
    expect(StampSchema.safeParse(stamp).success).toBe(false);
    expect(() => parseStamp(stamp)).toThrow(RangeError);
  });

  it('refuse out-of-range parts', () => {
    expect(() => formatStamp({ wallMs: -1, counter: 0, deviceId: A })).toThrow(RangeError);
    expect(() => formatStamp({ wallMs: 2 ** 48, counter: 0, deviceId: A })).toThrow(RangeError);
    expect(() => formatStamp({ wallMs: 0, counter: MAX_COUNTER + 1, deviceId: A })).toThrow(RangeError);
  });
});

describe('HybridClock', () => {
  it('is strictly monotonic while the wall clock stands still', () => {
    const wall = manualClock();
    const clock = new HybridClock(A, { now: wall.now });
    const stamps = Array.from({ length: 100 }, () => clock.tick());
    for (let i = 1; i < stamps.length; i++)
      expect(compareStamps(stamps[i] as string, stamps[i - 1] as string)).toBe(1);
    expect(parseStamp(stamps[99] as string)).toMatchObject({ wallMs: T0, counter: 99 });
  });

  it('follows the wall clock and resets the counter when it moves forward', () => {
    const wall = manualClock();
    const clock = new HybridClock(A, { now: wall.now });
    clock.tick();
    clock.tick();
    wall.add(5);
    expect(parseStamp(clock.tick())).toMatchObject({ wallMs: T0 + 5, counter: 0 });
  });

  it('stays monotonic when the wall clock jumps backwards', () => {
    const wall = manualClock();
    const clock = new HybridClock(A, { now: wall.now });
    const before = clock.tick();
    wall.add(-60 * 60 * 1000); // an hour back (NTP correction, manual change)
    const after = clock.tick();
    expect(compareStamps(after, before)).toBe(1);
    expect(parseStamp(after)).toMatchObject({ wallMs: T0, counter: 1 });
    wall.add(60 * 60 * 1000 + 1);
    expect(parseStamp(clock.tick())).toMatchObject({ wallMs: T0 + 1, counter: 0 });
  });

  it('stays monotonic for any sequence of wall-clock readings and remote stamps', () => {
    const step = fc.oneof(
      fc.record({ kind: fc.constant('tick' as const), jump: fc.integer({ min: -100_000, max: 100_000 }) }),
      fc.record({
        kind: fc.constant('receive' as const),
        jump: fc.integer({ min: -100_000, max: 100_000 }),
        remoteOffset: fc.integer({ min: -1_000_000, max: DEFAULT_MAX_DRIFT_MS }),
        counter: fc.integer({ min: 0, max: MAX_COUNTER }),
      }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 200 }), (steps) => {
        const wall = manualClock();
        const clock = new HybridClock(A, { now: wall.now });
        /**
         * Runs one clock call. The one refusal the clock is designed to make: a counter overflow that
         * would borrow a millisecond past the drift bound (the wall clock stepped back by the whole
         * bound while the clock stood ahead). Then nothing changed, and the sequence goes on.
         */
        const issued = <T>(call: () => T): T | undefined => {
          const before = clock.state();
          try {
            return call();
          } catch (error) {
            expect(error).toMatchObject({ code: 'clock.overflow' });
            expect(before.wallMs + 1 - wall.now()).toBeGreaterThan(DEFAULT_MAX_DRIFT_MS);
            expect(clock.state()).toEqual(before);
            return undefined;
          }
        };
        let last = clock.tick();
        for (const s of steps) {
          wall.add(s.jump);
          if (s.kind === 'receive') {
            const remote = formatStamp({
              wallMs: wall.now() + s.remoteOffset,
              counter: s.counter,
              deviceId: B,
            });
            const received = issued(() => {
              clock.receive(remote);
              return true;
            });
            if (!received) continue;
            const next = issued(() => clock.tick());
            if (next === undefined) continue;
            expect(compareStamps(next, remote)).toBe(1); // causality: after what we saw
            expect(compareStamps(next, last)).toBe(1);
            last = next;
          } else {
            const next = issued(() => clock.tick());
            if (next === undefined) continue;
            expect(compareStamps(next, last)).toBe(1);
            last = next;
          }
        }
      }),
    );
  });

  it('orders its next stamp after a received one with the same wall time', () => {
    const wall = manualClock();
    const clock = new HybridClock(A, { now: wall.now });
    clock.receive(formatStamp({ wallMs: T0, counter: 41, deviceId: B }));
    expect(parseStamp(clock.tick())).toMatchObject({ wallMs: T0, counter: 43 });
  });

  it('accepts a remote stamp ahead by less than the drift bound and follows it', () => {
    const wall = manualClock();
    const clock = new HybridClock(A, { now: wall.now });
    const remoteWall = T0 + DEFAULT_MAX_DRIFT_MS - 1000;
    clock.receive(formatStamp({ wallMs: remoteWall, counter: 0, deviceId: B }));
    expect(parseStamp(clock.tick())).toMatchObject({ wallMs: remoteWall, counter: 2 });
  });

  it('refuses a remote stamp more than 5 minutes ahead with clock.drift, and is unchanged by it', () => {
    const wall = manualClock();
    const clock = new HybridClock(A, { now: wall.now });
    const before = clock.state();
    const farFuture = formatStamp({ wallMs: T0 + DEFAULT_MAX_DRIFT_MS + 1, counter: 0, deviceId: B });
    let error: unknown;
    try {
      clock.receive(farFuture);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KakeiboError);
    expect((error as KakeiboError).code).toBe('clock.drift');
    expect((error as KakeiboError).message).toMatch(/ahead/);
    expect(clock.state()).toEqual(before);
  });

  it('a device whose own clock is 10 minutes behind still issues stamps after what it saw', () => {
    const wall = manualClock(T0 - 10 * 60 * 1000);
    const clock = new HybridClock(A, { now: wall.now, maxDriftMs: 15 * 60 * 1000 });
    const seen = formatStamp({ wallMs: T0, counter: 3, deviceId: B });
    clock.receive(seen);
    expect(compareStamps(clock.tick(), seen)).toBe(1);
  });

  it('borrows the next millisecond when the counter overflows, keeping order', () => {
    const wall = manualClock();
    const clock = new HybridClock(A, { now: wall.now, state: { wallMs: T0, counter: MAX_COUNTER - 1 } });
    const a = clock.tick();
    const b = clock.tick();
    expect(parseStamp(a)).toMatchObject({ wallMs: T0, counter: MAX_COUNTER });
    expect(parseStamp(b)).toMatchObject({ wallMs: T0 + 1, counter: 0 });
    expect(compareStamps(b, a)).toBe(1);
  });

  it('overflow on receive also borrows a millisecond', () => {
    const wall = manualClock();
    const clock = new HybridClock(A, { now: wall.now });
    clock.receive(formatStamp({ wallMs: T0, counter: MAX_COUNTER, deviceId: B }));
    expect(parseStamp(clock.tick())).toMatchObject({ wallMs: T0 + 1, counter: 1 });
  });

  it('refuses to borrow past the drift bound (clock.overflow) instead of running away', () => {
    const wall = manualClock();
    const clock = new HybridClock(A, {
      now: wall.now,
      maxDriftMs: 0,
      state: { wallMs: T0, counter: MAX_COUNTER },
    });
    expect(() => clock.tick()).toThrow(expect.objectContaining({ code: 'clock.overflow' }));
  });

  it('resumes after a restart from persisted state without repeating a stamp', () => {
    const wall = manualClock();
    const first = new HybridClock(A, { now: wall.now });
    const last = first.tick();
    first.tick();
    wall.add(-5000); // rebooted with a slightly wrong clock
    const second = new HybridClock(A, { now: wall.now, state: first.state() });
    expect(compareStamps(second.tick(), last)).toBe(1);
  });

  it('rejects a broken wall clock', () => {
    const clock = new HybridClock(A, { now: () => Number.NaN });
    expect(() => clock.tick()).toThrow(expect.objectContaining({ code: 'clock.invalid' }));
  });
});
