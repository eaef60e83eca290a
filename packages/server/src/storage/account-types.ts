/**
 * The account tables' records: what the storage hands out for users, devices, refresh tokens and the
 * security log (re-exported by types.ts; backup-types.ts builds on them).
 */

export interface UserRecord {
  id: string;
  /** Normalised (trimmed, lower-case) email. */
  email: string;
  passwordHash: string;
  ledgerId: string;
  createdAt: string;
  disabledAt: string | null;
}

export interface DeviceRecord {
  ledgerId: string;
  /** 16 lowercase hex characters; the device part of every HLC stamp it writes. */
  id: string;
  userId: string;
  name: string;
  platform: string;
  /** The device's public key as a JWK (JSON text); every request it makes is signed with it. */
  publicKeyJwk: string;
  /** 'ecdsa-p256-sha256' | 'ed25519' */
  alg: string;
  createdAt: string;
  lastSeenAt: string;
  revokedAt: string | null;
  /** Access tokens of this device minted at or before this time are refused (a refresh family ended for reuse). */
  sessionsEndedAt: string | null;
}

/** A device as it is registered: what the storage stamps itself is left out. */
export type NewDevice = Omit<DeviceRecord, 'createdAt' | 'lastSeenAt' | 'revokedAt' | 'sessionsEndedAt'>;

export interface RefreshTokenRecord {
  /** SHA-256 hex of the opaque token; the token itself is never stored. */
  tokenHash: string;
  ledgerId: string;
  userId: string;
  deviceId: string;
  /** All tokens descended from one sign-in share a family; reuse of a rotated one revokes it whole. */
  familyId: string;
  createdAt: string;
  expiresAt: string;
  /** Set when this token was exchanged for its successor. */
  rotatedAt: string | null;
  successorHash: string | null;
  revokedAt: string | null;
}

export interface AuditEvent {
  ledgerId: string | null;
  userId: string | null;
  deviceId: string | null;
  /** e.g. 'auth.signin', 'auth.signin_failed', 'auth.refresh_reuse', 'device.revoked', 'user.disabled' */
  kind: string;
  /** The client's address as seen; the storage keeps only its network (ip-truncation.ts). */
  ip: string | null;
  detail: Record<string, unknown>;
}

export interface AuditEventRecord extends AuditEvent {
  id: string;
  at: string;
}
