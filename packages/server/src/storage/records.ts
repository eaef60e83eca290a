import type { Selectable } from 'kysely';
import { emailPlace } from './account-keys.js';
import type { StorageContext } from './context.js';
import { openDeviceText } from './device-text.js';
import type { Sealer } from './ledger-keys.js';
import type { DevicesTable, RefreshTokensTable, UsersTable } from './schema.js';
import type { AuditEventRecord, DeviceRecord, RefreshTokenRecord, UserRecord } from './types.js';

/**
 * Stored rows of the account tables as records, opened where columns are sealed: read by their own
 * areas (users.ts, devices.ts, refresh-tokens.ts) and by a backup's reads (backup-reads.ts).
 */

export const toUser = (ctx: StorageContext, r: Selectable<UsersTable>): UserRecord => ({
  id: r.id,
  email: ctx.accounts.emails.open(emailPlace(r.id), r.email),
  passwordHash: r.password_hash,
  ledgerId: r.ledger_id,
  createdAt: r.created_at,
  disabledAt: r.disabled_at,
});

export const toDevice = (sealer: Sealer, r: Selectable<DevicesTable>): DeviceRecord => ({
  ledgerId: r.ledger_id,
  id: r.id,
  userId: r.user_id,
  ...openDeviceText(sealer, r),
  publicKeyJwk: r.public_key_jwk,
  alg: r.alg,
  createdAt: r.created_at,
  lastSeenAt: r.last_seen_at,
  revokedAt: r.revoked_at,
  sessionsEndedAt: r.sessions_ended_at,
});

export const toToken = (r: Selectable<RefreshTokensTable>): RefreshTokenRecord => ({
  tokenHash: r.token_hash,
  ledgerId: r.ledger_id,
  userId: r.user_id,
  deviceId: r.device_id,
  familyId: r.family_id,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  rotatedAt: r.rotated_at,
  successorHash: r.successor_hash,
  revokedAt: r.revoked_at,
});

/** audit_events.ledger_id of an event that belongs to no ledger (the column is part of a key). */
export const NO_LEDGER = '';

/** A stored audit_events row as the record the API and backups use. */
export const toAuditEvent = (r: {
  id: string;
  at: string;
  ledger_id: string;
  user_id: string | null;
  device_id: string | null;
  kind: string;
  ip: string | null;
  detail: string;
}): AuditEventRecord => ({
  id: r.id,
  at: r.at,
  ledgerId: r.ledger_id === NO_LEDGER ? null : r.ledger_id,
  userId: r.user_id,
  deviceId: r.device_id,
  kind: r.kind,
  ip: r.ip,
  detail: JSON.parse(r.detail) as Record<string, unknown>,
});
