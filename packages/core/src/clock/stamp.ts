import { z } from 'zod';
import type { DeviceId } from '../ids.js';

/**
 * An HLC stamp serialised as `WWWWWWWWWWWW-CCCC-DDDDDDDDDDDDDDDD`:
 * 48-bit wall milliseconds (12 hex), 16-bit counter (4 hex), 64-bit device id (16 hex).
 * Fixed width and lowercase, so comparing two stamps as plain strings gives the total order
 * (wall, then counter, then device) in every runtime and in SQL `ORDER BY` alike.
 */
export type Stamp = string;

export const STAMP_RE = /^[0-9a-f]{12}-[0-9a-f]{4}-[0-9a-f]{16}$/;
export const StampSchema = z
  .string()
  .regex(STAMP_RE, 'must be an HLC stamp (wall-counter-device, lowercase hex)');

export const MAX_WALL_MS = 0xffff_ffff_ffff;
export const MAX_COUNTER = 0xffff;

export interface StampParts {
  wallMs: number;
  counter: number;
  deviceId: DeviceId;
}

export function formatStamp({ wallMs, counter, deviceId }: StampParts): Stamp {
  if (!Number.isSafeInteger(wallMs) || wallMs < 0 || wallMs > MAX_WALL_MS) {
    throw new RangeError(`HLC wall time out of range: ${wallMs}`);
  }
  if (!Number.isInteger(counter) || counter < 0 || counter > MAX_COUNTER) {
    throw new RangeError(`HLC counter out of range: ${counter}`);
  }
  return `${wallMs.toString(16).padStart(12, '0')}-${counter.toString(16).padStart(4, '0')}-${deviceId}`;
}

export function parseStamp(stamp: Stamp): StampParts {
  if (!STAMP_RE.test(stamp)) throw new RangeError(`not an HLC stamp: ${stamp}`);
  return {
    wallMs: Number.parseInt(stamp.slice(0, 12), 16),
    counter: Number.parseInt(stamp.slice(13, 17), 16),
    deviceId: stamp.slice(18),
  };
}

/** Negative, zero or positive like a comparator; valid stamps order exactly as strings do. */
export const compareStamps = (a: Stamp, b: Stamp): number => (a < b ? -1 : a > b ? 1 : 0);

export const stampDevice = (stamp: Stamp): DeviceId => stamp.slice(18);
export const stampWallMs = (stamp: Stamp): number => Number.parseInt(stamp.slice(0, 12), 16);
