import { type CryptoKey, KakeiboError } from '@kakeibo/core';
import type { FieldSealer } from './types.js';

/**
 * The FieldSealer of stores whose database file is not encrypted (browsers: the SQLite WASM build has
 * no SQLCipher). WebCrypto only, so the same code runs in Node (where the tests run it) and browsers;
 * where the key lives is the caller's business (browsers: IndexedDB, see browser/key-vault.ts).
 *
 * A sealed value is `[version 1][96-bit IV][AES-256-GCM ciphertext + 128-bit tag]`, stored as a BLOB.
 * Each seal draws a fresh random IV: at 2^-32 collision odds after 2^32 seals, far beyond what one
 * device's store ever writes. The associated data names the value's place (see SqliteLocalStore), so a
 * sealed value copied into another row, key or table fails to open instead of being read there.
 */
const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER = 1 + IV_BYTES;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A new sealing key: AES-GCM 256, non-extractable (usable for sealing, never readable as bytes). */
export function generateSealerKey(): Promise<CryptoKey> {
  return globalThis.crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, [
    'encrypt',
    'decrypt',
  ]) as Promise<CryptoKey>;
}

export function aesGcmSealer(key: CryptoKey): FieldSealer {
  const subtle = globalThis.crypto.subtle;
  return {
    async seal(plain, aad) {
      const iv = globalThis.crypto.getRandomValues(new Uint8Array(IV_BYTES));
      const body = await subtle.encrypt(
        { name: 'AES-GCM', iv, additionalData: encoder.encode(aad) },
        key,
        encoder.encode(plain),
      );
      const sealed = new Uint8Array(HEADER + body.byteLength);
      sealed[0] = VERSION;
      sealed.set(iv, 1);
      sealed.set(new Uint8Array(body), HEADER);
      return sealed;
    },
    async open(sealed, aad) {
      if (sealed.length < HEADER + TAG_BYTES || sealed[0] !== VERSION) throw unreadable(aad);
      try {
        const plain = await subtle.decrypt(
          { name: 'AES-GCM', iv: sealed.subarray(1, HEADER), additionalData: encoder.encode(aad) },
          key,
          sealed.subarray(HEADER),
        );
        return decoder.decode(plain);
      } catch {
        // Wrong key, wrong place or altered bytes: deliberately indistinguishable.
        throw unreadable(aad);
      }
    },
  };
}

export const unreadable = (place: string): KakeiboError =>
  new KakeiboError(
    'store.unreadable',
    `A sealed value of the local store (${place}) cannot be opened: the key is not the one that sealed it, or the value was altered or moved.`,
    { place },
  );
