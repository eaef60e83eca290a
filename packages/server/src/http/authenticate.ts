import type { JsonWebKey } from '@kakeibo/core';
import {
  type DevicePublicKey,
  KakeiboError,
  SIGNATURE_WINDOW_SECONDS,
  type VerifiedSignature,
  verifyRequest,
} from '@kakeibo/core';
import type { AuthContext } from '../services/auth-context.js';
import type { ServerDeps } from '../services/context.js';
import { bearerToken } from '../services/tokens.js';

/** What the authenticator needs of an HTTP request, whatever carried it. */
export interface SignedRequest {
  method: string;
  path: string;
  query: string;
  body: Uint8Array;
  headers: Record<string, string | string[] | undefined>;
  authority?: string;
  scheme?: string;
}

/** Nonces are remembered for the whole window on both sides of now. */
const NONCE_TTL_MS = 2 * SIGNATURE_WINDOW_SECONDS * 1000;

/** The last-seen time of a device is written at most this often (not on every request). */
const TOUCH_INTERVAL_MS = 60_000;

async function verifyOnce(
  deps: ServerDeps,
  request: SignedRequest,
  scope: string,
  lookup: (keyId: string) => Promise<{ publicKeyJwk: JsonWebKey } | null>,
): Promise<VerifiedSignature> {
  const verified = await verifyRequest(request, lookup, { now: deps.now() });
  if (!(await deps.nonces.remember(`${scope}:${verified.keyId}:${verified.nonce}`, NONCE_TTL_MS))) {
    throw new KakeiboError(
      'signature.replayed',
      'This signed request was already received once (replay refused).',
    );
  }
  return verified;
}

/** Sign-up and sign-in: the request must be signed by the key it registers (proof of possession). */
export async function authenticateProof(
  deps: ServerDeps,
  request: SignedRequest,
  device: { id: string; publicKey: DevicePublicKey },
): Promise<string> {
  const verified = await verifyOnce(deps, request, 'proof', async (keyId) =>
    keyId === device.id ? { publicKeyJwk: device.publicKey as JsonWebKey } : null,
  );
  return verified.keyId;
}

/** A request signed by an active device of `ledgerId` (refresh: no access token involved). */
export async function authenticateDevice(
  deps: ServerDeps,
  request: SignedRequest,
  ledgerId: string,
): Promise<string> {
  const verified = await verifyOnce(deps, request, ledgerId, async (keyId) => {
    const device = await deps.storage.findDevice(ledgerId, keyId);
    return device && !device.revokedAt
      ? { publicKeyJwk: JSON.parse(device.publicKeyJwk) as JsonWebKey }
      : null;
  });
  return verified.keyId;
}

/**
 * A normal API call: a valid access token AND a signature by the device that token was issued to,
 * which must still be active. A stolen token alone is useless; a revoked device is refused at once.
 */
export async function authenticateSession(deps: ServerDeps, request: SignedRequest): Promise<AuthContext> {
  const header = request.headers.authorization;
  const token = bearerToken(Array.isArray(header) ? header[0] : header);
  if (!token)
    throw new KakeiboError(
      'auth.missing_token',
      'This call needs an access token (Authorization: Bearer …).',
    );
  const { auth, issuedAt } = deps.tokens.verify(token);
  let revoked = false;
  let sessionsEnded: string | null = null;
  let lastSeen = '';
  const verified = await verifyOnce(deps, request, auth.ledgerId, async (keyId) => {
    if (keyId !== auth.deviceId) return null;
    const device = await deps.storage.findDevice(auth.ledgerId, keyId);
    if (!device) return null;
    revoked = device.revokedAt !== null;
    sessionsEnded = device.sessionsEndedAt;
    lastSeen = device.lastSeenAt;
    return { publicKeyJwk: JSON.parse(device.publicKeyJwk) as JsonWebKey };
  }).catch((error: unknown) => {
    if (error instanceof KakeiboError && error.code === 'signature.unknown_key') {
      throw new KakeiboError(
        'signature.unknown_key',
        'The request is not signed by the device this token was issued to.',
      );
    }
    throw error;
  });
  if (revoked) throw new KakeiboError('auth.device_revoked', 'This device was signed out: sign in again.');
  if (sessionsEnded !== null && issuedAt <= Date.parse(sessionsEnded)) {
    throw new KakeiboError('auth.session_revoked', 'This session was ended: sign in again.');
  }
  const now = deps.now();
  if (now - Date.parse(lastSeen) > TOUCH_INTERVAL_MS) {
    await deps.storage.touchDevice(auth.ledgerId, verified.keyId, new Date(now).toISOString());
  }
  return auth;
}
