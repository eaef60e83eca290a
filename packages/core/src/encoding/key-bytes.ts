import { KakeiboError } from '../errors.js';

/** Every symmetric key Kakeibo keeps (store files, the master key, data keys) is 256 bits. */
export const KEY_BYTES = 32;

/**
 * Refuses a key that is not KEY_BYTES long, before anything is opened or sealed with it: one check,
 * one message, each caller naming its key and the code its callers know (`store.bad_key`, …).
 */
export function requireKeyBytes(key: Uint8Array, what: { name: string; code: string }): void {
  if (key.length !== KEY_BYTES) {
    throw new KakeiboError(what.code, `The ${what.name} must be ${KEY_BYTES} bytes, got ${key.length}.`);
  }
}
