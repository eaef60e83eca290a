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

const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/** RFC 9562 UUIDv7: 48-bit Unix ms timestamp, version 7, variant 10, 74 random bits. */
export function uuidv7(nowMs: number = Date.now()): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  let ts = Math.floor(nowMs);
  for (let i = 5; i >= 0; i--) {
    bytes[i] = ts % 256;
    ts = Math.floor(ts / 256);
  }
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x70;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const h = hex(bytes);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function newDeviceId(): DeviceId {
  const bytes = new Uint8Array(8);
  globalThis.crypto.getRandomValues(bytes);
  return hex(bytes);
}
