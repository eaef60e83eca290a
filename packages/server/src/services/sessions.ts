import { KakeiboError, type Session } from '@kakeibo/core';
import type { NewAccount } from '../storage/types.js';
import type { AuthContext } from './auth-context.js';
import type { ServerDeps } from './context.js';
import { announceRevoked } from './devices.js';
import { hashRefreshToken, newRefreshToken, REFRESH_TOKEN_TTL_MS } from './tokens.js';

/**
 * A retried refresh whose answer was lost: within this long after a rotation, presenting the old token
 * again (signed by the same device) while its successor is still unused issues a fresh successor
 * instead of counting as theft.
 */
export const REFRESH_RETRY_GRACE_MS = 60_000;

const iso = (ms: number) => new Date(ms).toISOString();

/** Issues an access token and a refresh token of a new (or given) family for a device. */
export async function issueSession(deps: ServerDeps, auth: AuthContext, familyId?: string): Promise<Session> {
  const { session, refreshToken } = prepareSession(deps, auth, familyId);
  await deps.storage.insertRefreshToken(refreshToken);
  return session;
}

/** A new session's tokens and the refresh token's record, not yet stored (sign-up stores it itself). */
export function prepareSession(
  deps: ServerDeps,
  auth: AuthContext,
  familyId?: string,
): { session: Session; refreshToken: NewRefreshTokenRecord } {
  const now = deps.now();
  const access = deps.tokens.mint(auth);
  const refresh = newRefreshToken();
  const expiresAt = iso(now + REFRESH_TOKEN_TTL_MS);
  const refreshToken = {
    tokenHash: refresh.hash,
    ledgerId: auth.ledgerId,
    userId: auth.userId,
    deviceId: auth.deviceId,
    familyId: familyId ?? crypto.randomUUID(),
    createdAt: iso(now),
    expiresAt,
  };
  return { session: sessionOf(auth, access, refresh.token, expiresAt), refreshToken };
}

type NewRefreshTokenRecord = NewAccount['refreshToken'];

function sessionOf(
  auth: AuthContext,
  access: { token: string; expiresAt: string },
  refreshToken: string,
  refreshTokenExpiresAt: string,
): Session {
  return {
    userId: auth.userId,
    ledgerId: auth.ledgerId,
    deviceId: auth.deviceId,
    accessToken: access.token,
    accessTokenExpiresAt: access.expiresAt,
    refreshToken,
    refreshTokenExpiresAt,
  };
}

/** The ledger a refresh token belongs to, so its signature can be checked against that ledger's device. */
export async function refreshTokenLedger(deps: ServerDeps, token: string): Promise<string | null> {
  const record = await deps.storage.findRefreshToken(hashRefreshToken(token));
  return record?.ledgerId ?? null;
}

/**
 * Rotation (RFC 9700 §4.14.2): every use returns a new refresh token and retires the old one. A retired
 * token presented again is theft unless it is the device retrying a refresh whose answer it lost.
 */
export async function refreshSession(
  deps: ServerDeps,
  token: string,
  signerDeviceId: string,
  ip: string,
): Promise<Session> {
  const { storage } = deps;
  const now = deps.now();
  const record = await storage.findRefreshToken(hashRefreshToken(token));
  if (!record || record.deviceId !== signerDeviceId) {
    throw new KakeiboError(
      'auth.invalid_refresh_token',
      'The refresh token is not valid for this device: sign in again.',
    );
  }
  if (record.revokedAt) {
    throw new KakeiboError('auth.session_revoked', 'This session was ended: sign in again.');
  }
  if (Date.parse(record.expiresAt) <= now) {
    throw new KakeiboError('auth.refresh_expired', 'The session has expired: sign in again.');
  }
  const device = await storage.findDevice(record.ledgerId, record.deviceId);
  if (!device || device.revokedAt) {
    throw new KakeiboError('auth.device_revoked', 'This device was signed out: sign in again.');
  }
  const auth: AuthContext = { userId: record.userId, ledgerId: record.ledgerId, deviceId: record.deviceId };
  const next = newRefreshToken();
  const nextRecord = {
    tokenHash: next.hash,
    ledgerId: record.ledgerId,
    userId: record.userId,
    deviceId: record.deviceId,
    familyId: record.familyId,
    createdAt: iso(now),
    expiresAt: iso(now + REFRESH_TOKEN_TTL_MS),
  };
  if (!record.rotatedAt) {
    if (await storage.rotateRefreshToken(record.tokenHash, nextRecord, iso(now))) {
      return sessionOf(auth, deps.tokens.mint(auth), next.token, nextRecord.expiresAt);
    }
    // Lost a race with a concurrent refresh of the same token: judge it as a retry below.
  }
  const fresh = await storage.findRefreshToken(record.tokenHash);
  const successor = fresh?.successorHash ? await storage.findRefreshToken(fresh.successorHash) : null;
  const retry =
    fresh?.rotatedAt &&
    now - Date.parse(fresh.rotatedAt) <= REFRESH_RETRY_GRACE_MS &&
    successor &&
    !successor.rotatedAt &&
    !successor.revokedAt;
  if (retry && (await storage.replaceSuccessor(record.tokenHash, nextRecord, iso(now)))) {
    return sessionOf(auth, deps.tokens.mint(auth), next.token, nextRecord.expiresAt);
  }
  await storage.revokeRefreshFamily(record.familyId, iso(now));
  // Its realtime sockets close now too, on every instance, as the access token stops working.
  await announceRevoked(deps, record.ledgerId, [record.deviceId], 'auth.session_revoked');
  await storage.recordAudit({
    ledgerId: record.ledgerId,
    userId: record.userId,
    deviceId: record.deviceId,
    kind: 'auth.refresh_reuse',
    ip,
    detail: { familyId: record.familyId },
  });
  throw new KakeiboError(
    'auth.refresh_reused',
    'This refresh token was already used, so the session was ended to protect the account: sign in again.',
  );
}
