import {
  fromBase64,
  KakeiboError,
  readJson,
  toBase64,
  type WrappedKey,
  WrappedKeySchema,
} from '@kakeibo/core';

/**
 * The local database key: 32 random bytes, never stored in clear. With a person's secret it is kept
 * wrapped (AES-256-GCM) under a key derived from the secret with PBKDF2-SHA256 (core WrappedKey); the
 * wrapped form can sit beside the data because it is useless without the secret. WebCrypto only:
 * Node and browsers.
 */

/** OWASP's 2023 guidance for PBKDF2-HMAC-SHA256. */
export const PBKDF2_ITERATIONS = 600_000;
const AAD = new TextEncoder().encode('kakeibo/local-store-key/v1');

const b64 = toBase64;
/** Checked by WrappedKeySchema before it gets here: always base64. */
const unb64 = (text: string): Uint8Array => fromBase64(text) ?? new Uint8Array();

/** A wrapped key as stored (JSON text), checked; one that does not read is `store.bad_key`. */
export function parseWrappedKey(text: string, where: string): WrappedKey {
  const wrapped = readJson(WrappedKeySchema, text);
  if (!wrapped) {
    throw new KakeiboError(
      'store.bad_key',
      `The wrapped local key ${where} is damaged: it cannot be opened.`,
    );
  }
  return wrapped;
}

const random = (n: number) => globalThis.crypto.getRandomValues(new Uint8Array(n));

async function keyFromSecret(secret: string, salt: Uint8Array, iterations: number) {
  const subtle = globalThis.crypto.subtle;
  const material = await subtle.importKey(
    'raw',
    new TextEncoder().encode(secret.normalize('NFC')),
    'PBKDF2',
    false,
    ['deriveKey'],
  );
  return subtle.deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', salt, iterations },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

export const newDataKey = (): Uint8Array => random(32);

export async function wrapWithSecret(
  dataKey: Uint8Array,
  secret: string,
  iterations = PBKDF2_ITERATIONS,
): Promise<WrappedKey> {
  const salt = random(16);
  const iv = random(12);
  const kek = await keyFromSecret(secret, salt, iterations);
  const wrapped = new Uint8Array(
    await globalThis.crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: AAD }, kek, dataKey),
  );
  return { v: 1, kdf: 'PBKDF2-SHA256', iterations, salt: b64(salt), iv: b64(iv), wrapped: b64(wrapped) };
}

export async function unwrapWithSecret(record: WrappedKey, secret: string): Promise<Uint8Array> {
  const kek = await keyFromSecret(secret, unb64(record.salt), record.iterations);
  try {
    return new Uint8Array(
      await globalThis.crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: unb64(record.iv), additionalData: AAD },
        kek,
        unb64(record.wrapped),
      ),
    );
  } catch {
    throw new KakeiboError('store.bad_secret', 'The secret does not open this device’s local data.');
  }
}
