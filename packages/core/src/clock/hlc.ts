import { KakeiboError } from '../errors.js';
import type { DeviceId } from '../ids.js';
import { formatStamp, MAX_COUNTER, parseStamp, type Stamp } from './stamp.js';

/** A remote stamp further ahead of our wall clock than this is refused (the brief's bounded drift). */
export const DEFAULT_MAX_DRIFT_MS = 5 * 60 * 1000;

export interface ClockState {
  wallMs: number;
  counter: number;
}

export interface HybridClockOptions {
  /** Physical clock in Unix ms; injectable so tests can move time backwards or far ahead. */
  now?: () => number;
  maxDriftMs?: number;
  /** Restores the last issued stamp after a restart, so stamps never repeat or go backwards. */
  state?: ClockState;
}

/**
 * Hybrid logical clock (Kulkarni et al., 2014). Stamps are strictly increasing on one device, stay
 * close to wall time, and a device that saw a stamp only ever issues greater ones afterwards, so
 * "newer" in last-writer-wins respects causality even when wall clocks disagree.
 */
export class HybridClock {
  readonly deviceId: DeviceId;
  private readonly now: () => number;
  private readonly maxDriftMs: number;
  private wallMs: number;
  private counter: number;

  constructor(deviceId: DeviceId, options: HybridClockOptions = {}) {
    this.deviceId = deviceId;
    this.now = options.now ?? Date.now;
    this.maxDriftMs = options.maxDriftMs ?? DEFAULT_MAX_DRIFT_MS;
    this.wallMs = options.state?.wallMs ?? 0;
    this.counter = options.state?.counter ?? 0;
  }

  /** The last issued or observed position, for persisting beside the data. */
  state(): ClockState {
    return { wallMs: this.wallMs, counter: this.counter };
  }

  /** A fresh stamp for a local change. A wall clock that jumped backwards only bumps the counter. */
  tick(): Stamp {
    const physical = this.physicalNow();
    if (physical > this.wallMs) this.advance(physical, 0);
    else this.advance(this.wallMs, this.counter + 1);
    return this.current();
  }

  /**
   * Observe a stamp from another device so that our next stamps sort after it.
   * Refuses (code `clock.drift`) a stamp more than maxDrift ahead of our wall clock: accepting it would
   * drag this clock, and every stamp after it, into the future.
   */
  receive(remote: Stamp): void {
    const r = parseStamp(remote);
    const physical = this.physicalNow();
    assertWithinDrift(r.wallMs, physical, this.maxDriftMs);
    const wall = Math.max(this.wallMs, r.wallMs, physical);
    let counter = 0;
    if (wall === this.wallMs && wall === r.wallMs) counter = Math.max(this.counter, r.counter) + 1;
    else if (wall === this.wallMs) counter = this.counter + 1;
    else if (wall === r.wallMs) counter = r.counter + 1;
    this.advance(wall, counter);
  }

  private current(): Stamp {
    return formatStamp({ wallMs: this.wallMs, counter: this.counter, deviceId: this.deviceId });
  }

  /**
   * Counter overflow (over 65,535 events within one millisecond) borrows the next millisecond rather
   * than failing: order is preserved and the logical clock runs ahead of wall time by a hair. It may
   * never run ahead by more than the drift bound, or other devices would refuse our stamps.
   */
  private advance(wallMs: number, counter: number): void {
    let wall = wallMs;
    let next = counter;
    if (next > MAX_COUNTER) {
      wall += 1;
      next = 0;
      // Only borrowing can push the clock ahead by itself; a clock that is ahead because it followed a
      // remote stamp (within the bound) must keep ticking even if the wall clock then steps back.
      if (wall - this.physicalNow() > this.maxDriftMs) {
        throw new KakeiboError(
          'clock.overflow',
          'Too many changes in one millisecond: the clock would run ahead.',
          {
            wallMs: wall,
          },
        );
      }
    }
    this.wallMs = wall;
    this.counter = next;
  }

  private physicalNow(): number {
    const now = Math.floor(this.now());
    if (!Number.isSafeInteger(now) || now < 0) {
      throw new KakeiboError('clock.invalid', `The wall clock returned an invalid time: ${now}`);
    }
    return now;
  }
}

/** Shared by the clock and by the server's op validation: a stamp may not lie too far in the future. */
export function assertWithinDrift(
  stampWallMs: number,
  physicalMs: number,
  maxDriftMs = DEFAULT_MAX_DRIFT_MS,
): void {
  const ahead = stampWallMs - physicalMs;
  if (ahead > maxDriftMs) {
    throw new KakeiboError(
      'clock.drift',
      `A clock is ${Math.round(ahead / 1000)} s ahead of this one (at most ${maxDriftMs / 1000} s allowed). ` +
        'Check the date and time settings of the device that made the change.',
      { aheadMs: ahead, maxDriftMs },
    );
  }
}
