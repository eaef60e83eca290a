import { KakeiboError } from '../errors.js';

/** The signature algorithms of RFC 9421 §3.3 that device keys use. */
export type SignatureAlg = 'ecdsa-p256-sha256' | 'ed25519';
export const SIGNATURE_ALGS: readonly SignatureAlg[] = Object.freeze(['ecdsa-p256-sha256', 'ed25519']);

type Subtle = typeof globalThis.crypto.subtle;

/**
 * WebCrypto's `CryptoKey`, named through the global `crypto` so it is the same type under Node's
 * typings and the DOM's (core compiles without the DOM library, where there is no global `CryptoKey`).
 */
export type CryptoKey = Parameters<Subtle['sign']>[1];

/** A JSON Web Key (RFC 7517) as WebCrypto imports and exports it. */
export interface JsonWebKey {
  alg?: string;
  crv?: string;
  d?: string;
  dp?: string;
  dq?: string;
  e?: string;
  ext?: boolean;
  k?: string;
  key_ops?: string[];
  kty?: string;
  n?: string;
  p?: string;
  q?: string;
  qi?: string;
  use?: string;
  x?: string;
  y?: string;
}

export interface DeviceKeyPair {
  alg: SignatureAlg;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  /** Only the public members (`kty`, `crv`, `x`, and `y` for P-256): what the server stores. */
  publicKeyJwk: JsonWebKey;
}

const subtle = (): Subtle => globalThis.crypto.subtle;

const KEY_ALGORITHM = {
  'ecdsa-p256-sha256': { name: 'ECDSA', namedCurve: 'P-256' },
  ed25519: { name: 'Ed25519' },
} as const satisfies Record<SignatureAlg, { name: string; namedCurve?: string }>;

/** The WebCrypto parameters of `sign`/`verify` for an algorithm (ECDSA gives raw r||s, as RFC 9421 §3.3.4 wants). */
export const signingAlgorithm = (alg: SignatureAlg) =>
  alg === 'ed25519' ? { name: 'Ed25519' } : { name: 'ECDSA', hash: 'SHA-256' };

/** The algorithm a public or private JWK is for: EC P-256 → ECDSA, OKP Ed25519 → Ed25519. */
export function algForJwk(jwk: { kty?: string; crv?: string }): SignatureAlg {
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') return 'ecdsa-p256-sha256';
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'ed25519';
  throw new KakeiboError(
    'signature.unsupported_key',
    `Device keys must be EC P-256 or OKP Ed25519, not ${String(jwk.kty)}/${String(jwk.crv)}.`,
    { kty: jwk.kty, crv: jwk.crv },
  );
}

/** The members of a key that WebCrypto needs, so stray `key_ops`, `ext` or `alg` cannot make an import fail. */
function keyMembers(jwk: JsonWebKey, alg: SignatureAlg, withPrivate: boolean): JsonWebKey {
  const members: JsonWebKey = { kty: jwk.kty, crv: jwk.crv, x: jwk.x };
  if (alg === 'ecdsa-p256-sha256') members.y = jwk.y;
  if (withPrivate) members.d = jwk.d;
  return members;
}

function checkJwk(jwk: JsonWebKey, alg: SignatureAlg): void {
  const keyAlg = algForJwk(jwk);
  if (keyAlg !== alg) {
    throw new KakeiboError('signature.unsupported_key', `This ${keyAlg} key cannot be used for ${alg}.`, {
      keyAlg,
      alg,
    });
  }
}

/** A new device key pair; the private key is extractable so the client can persist it as a JWK. */
export async function generateDeviceKeyPair(
  alg: SignatureAlg = 'ecdsa-p256-sha256',
  options: { extractable?: boolean } = {},
): Promise<DeviceKeyPair> {
  // Non-extractable private keys can be kept (as CryptoKey objects, e.g. in IndexedDB) where no script
  // and no file can read their bytes; the public half is always exportable.
  const extractable = options.extractable ?? true;
  const pair = (await subtle().generateKey(KEY_ALGORITHM[alg], extractable, ['sign', 'verify'])) as {
    privateKey: CryptoKey;
    publicKey: CryptoKey;
  };
  const exported = await subtle().exportKey('jwk', pair.publicKey);
  return {
    alg,
    privateKey: pair.privateKey,
    publicKey: pair.publicKey,
    publicKeyJwk: keyMembers(exported, alg, false),
  };
}

/** Imports a persisted private JWK for signing (not extractable again: the caller already holds the JWK). */
export async function importDevicePrivateKey(jwk: JsonWebKey, alg: SignatureAlg): Promise<CryptoKey> {
  checkJwk(jwk, alg);
  if (typeof jwk.d !== 'string') {
    throw new KakeiboError(
      'signature.unsupported_key',
      'This JWK has no private part ("d"), so it cannot sign.',
    );
  }
  try {
    return await subtle().importKey('jwk', keyMembers(jwk, alg, true), KEY_ALGORITHM[alg], false, ['sign']);
  } catch (error) {
    throw new KakeiboError('signature.unsupported_key', `This ${alg} private key cannot be imported.`, {
      cause: String(error),
    });
  }
}

/** Imported public keys kept for reuse, by their key material (never by key id: a device's key can change). */
const IMPORTED_KEYS_KEPT = 1024;
const importedKeys = new Map<string, CryptoKey>();

/**
 * Imports a device's public JWK for verifying; throws `signature.unsupported_key` if it is not a
 * valid key for `alg`. Every signed request verifies with its device's key, and a WebCrypto import
 * costs about as much as the verification itself, so imported keys are kept (least recently used
 * beyond IMPORTED_KEYS_KEPT are dropped). The cache is keyed by the key's members, so a device whose
 * key changed is verified with the new one; whether a key id is still valid (revocation) is the
 * caller's lookup, made on every request.
 */
export async function importDevicePublicKey(jwk: JsonWebKey, alg: SignatureAlg): Promise<CryptoKey> {
  checkJwk(jwk, alg);
  const members = keyMembers(jwk, alg, false);
  const id = `${alg} ${members.crv} ${members.x} ${members.y ?? ''}`;
  const kept = importedKeys.get(id);
  if (kept) {
    importedKeys.delete(id);
    importedKeys.set(id, kept);
    return kept;
  }
  let key: CryptoKey;
  try {
    key = await subtle().importKey('jwk', members, KEY_ALGORITHM[alg], false, ['verify']);
  } catch (error) {
    throw new KakeiboError('signature.unsupported_key', `This ${alg} public key cannot be imported.`, {
      cause: String(error),
    });
  }
  if (importedKeys.size >= IMPORTED_KEYS_KEPT) {
    const oldest = importedKeys.keys().next().value;
    if (oldest !== undefined) importedKeys.delete(oldest);
  }
  importedKeys.set(id, key);
  return key;
}
