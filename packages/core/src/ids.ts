import { z } from 'zod';

/** Every synced row id is a client-generated UUIDv7: time-ordered, so inserts stay index-friendly. */
export const RowIdSchema = z.uuidv7({ error: 'must be a UUIDv7' }).transform((id) => id.toLowerCase());
export type RowId = string;

/** A UUIDv7 as ids are stored and sent once accepted: lowercase (what RowIdSchema turns any input into). */
export const STORED_ROW_ID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
/** A row id from a peer that only sends stored ids (snapshot and repair pages): checked, never rewritten. */
export const StoredRowIdSchema = z.string().regex(STORED_ROW_ID_RE, 'must be a lowercase UUIDv7');

/** Op ids are UUIDv7 too; uniqueness makes a push idempotent. */
export const OpIdSchema = RowIdSchema;

/** A device id: 16 lowercase hex characters (64 random bits), embedded in every HLC stamp it writes. */
export const DeviceIdSchema = z.string().regex(/^[0-9a-f]{16}$/, 'must be 16 lowercase hex characters');
export type DeviceId = string;

/** Two hex digits per byte value, made once: ids are formatted by table lookup, not per-byte toString. */
const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

const hex = (bytes: Uint8Array, from = 0, to = bytes.length): string => {
  let out = '';
  for (let i = from; i < to; i++) out += HEX[bytes[i] as number];
  return out;
};

/**
 * Random bytes for ids, drawn from the platform's CSPRNG a pool at a time: one getRandomValues call
 * per 409 ids instead of one per id (each call costs far more than its 10 bytes; a 100,000-row import
 * made 200,000 of them). Every byte is used once; ids are not secrets, only unique.
 */
const POOL_BYTES = 4096;
const pool = new Uint8Array(POOL_BYTES);
let poolAt = POOL_BYTES;

function randomInto(target: Uint8Array, offset: number, count: number): void {
  if (poolAt + count > POOL_BYTES) {
    globalThis.crypto.getRandomValues(pool);
    poolAt = 0;
  }
  target.set(pool.subarray(poolAt, poolAt + count), offset);
  poolAt += count;
}

/** RFC 9562 UUIDv7: 48-bit Unix ms timestamp, version 7, variant 10, 74 random bits. */
export function uuidv7(nowMs: number = Date.now()): string {
  const bytes = new Uint8Array(16);
  randomInto(bytes, 6, 10);
  let ts = Math.floor(nowMs);
  for (let i = 5; i >= 0; i--) {
    bytes[i] = ts % 256;
    ts = Math.floor(ts / 256);
  }
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x70;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  return `${hex(bytes, 0, 4)}-${hex(bytes, 4, 6)}-${hex(bytes, 6, 8)}-${hex(bytes, 8, 10)}-${hex(bytes, 10, 16)}`;
}

export function newDeviceId(): DeviceId {
  const bytes = new Uint8Array(8);
  globalThis.crypto.getRandomValues(bytes);
  return hex(bytes);
}
