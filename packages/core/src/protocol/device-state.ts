import { z } from 'zod';
import { MAX_COUNTER } from '../clock/stamp.js';
import { SIGNATURE_ALGS, type SignatureAlg } from '../http-signature/keys.js';
import { DevicePublicKeySchema } from './auth.js';

/**
 * What a device keeps of its own protocol state between runs, checked when it is read back: a value
 * that is not what the device wrote (a damaged store, another app's data) is refused here instead of
 * surfacing later as a signature the server cannot verify or a clock that runs wild.
 */

const jwkPart = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be 43 base64url characters');

/** The private half of a device key as WebCrypto exports it (JWK): ECDSA P-256 or Ed25519. */
const DevicePrivateJwkSchema = z.discriminatedUnion('kty', [
  z.looseObject({ kty: z.literal('EC'), crv: z.literal('P-256'), x: jwkPart, y: jwkPart, d: jwkPart }),
  z.looseObject({ kty: z.literal('OKP'), crv: z.literal('Ed25519'), x: jwkPart, d: jwkPart }),
]);

/** A device key pair kept as JWKs (where no key vault holds it as a CryptoKey: Node). */
export const StoredDeviceKeySchema = z.strictObject({
  alg: z.enum(SIGNATURE_ALGS as [SignatureAlg, ...SignatureAlg[]]),
  privateJwk: DevicePrivateJwkSchema,
  publicKeyJwk: DevicePublicKeySchema,
});

/** The hybrid clock's state (see clock/hlc.ts), kept with the ops it stamped. */
export const ClockStateSchema = z.strictObject({
  wallMs: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  counter: z.number().int().min(0).max(MAX_COUNTER),
});

export type StoredDeviceKey = z.infer<typeof StoredDeviceKeySchema>;

/**
 * A device's local database key wrapped by a person's secret (PBKDF2-SHA256 → AES-256-GCM), as the
 * Node SDK keeps it beside the data (`store-key.json`); useless without the secret.
 */
export const WrappedKeySchema = z.strictObject({
  v: z.literal(1),
  kdf: z.literal('PBKDF2-SHA256'),
  iterations: z.number().int().min(100_000).max(10_000_000),
  salt: z.base64(),
  iv: z.base64(),
  wrapped: z.base64(),
});

export type WrappedKey = z.infer<typeof WrappedKeySchema>;
