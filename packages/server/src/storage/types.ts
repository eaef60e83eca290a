import type { Conflict, LoggedOp, Op, PackedRowMessage, RowState, TableName } from '@kakeibo/core';
import type {
  AuditEvent,
  AuditEventRecord,
  DeviceRecord,
  NewDevice,
  RefreshTokenRecord,
  UserRecord,
} from './account-types.js';
import type { BackupStorage } from './backup-types.js';

export type * from './account-types.js';
export type * from './backup-types.js';

/**
 * The one seam between the server's services and a database. Two adapters implement it (SQLite via
 * better-sqlite3-multiple-ciphers, PostgreSQL via pg), both on Kysely, and both pass the same test
 * suite (packages/server/test/storage.suite.ts). No SQL exists outside the adapters.
 *
 * Every ledger-owned table is keyed by ledger id first, so the data can later be sharded by ledger.
 */

/** What one push did, in the order of the ops given. */
export type AppendResult =
  | { opId: string; status: 'applied'; seq: number }
  | { opId: string; status: 'duplicate'; seq: number };

export interface AppendOutcome {
  results: AppendResult[];
  /** Conflicts revealed by the newly applied ops, each with the seq of the op that revealed it. */
  conflicts: Array<Conflict & { seq: number }>;
  head: number;
}

export interface StoredRow {
  table: TableName;
  rowId: string;
  row: RowState;
}

export interface ChecksumBucketRecord {
  table: string;
  bucket: number;
  /** 16 lowercase hex characters: the lane-wise sum of the bucket's field hashes. */
  hash: string;
  fields: number;
}

export interface RowQuery {
  table: TableName;
  /** Inclusive calendar-date bounds on the row's date field (date, purchaseDate or startDate). */
  from?: string;
  to?: string;
  categoryId?: string;
  includeDeleted?: boolean;
  limit: number;
  /** Opaque keyset cursor returned by the previous page. */
  cursor?: string;
}

/**
 * The one seam between the server's services and a database, one interface per area below. The
 * Kysely implementation (kysely-storage.ts) composes the area modules of the same names; each
 * dialect (sqlite/, postgres/) opens it with its own traits.
 */
export type Storage = StorageLifecycle &
  NonceStorage &
  AccountStorage &
  DeviceStorage &
  RefreshTokenStorage &
  AuditStorage &
  SyncStorage &
  BackupStorage;

export interface StorageLifecycle {
  /** Creates or upgrades the schema (Kysely migrations). Idempotent. */
  migrate(): Promise<void>;
  close(): Promise<void>;
  /** 'sqlite' | 'postgres', for logs and health. */
  readonly kind: string;
}

/** What a sign-up stores: the user (and so the ledger), the device, the device's first session. */
export interface NewAccount {
  user: { id: string; email: string; passwordHash: string; ledgerId: string };
  device: NewDevice;
  refreshToken: Omit<RefreshTokenRecord, 'rotatedAt' | 'successorHash' | 'revokedAt'>;
}

/** Signature nonces seen within the replay window, kept across restarts (nonces.ts). */
export interface NonceStorage {
  /**
   * Records `nonce` as used until `expiresAtMs`, atomically: true when it was new (or its earlier
   * use has expired), false when it is in use, which makes the request a replay.
   */
  rememberNonce(nonce: string, expiresAtMs: number, nowMs: number): Promise<boolean>;
  /** Drops every nonce expired by `nowMs`; returns how many. */
  pruneNonces(nowMs: number): Promise<number>;
}

/** Accounts: a user and their one ledger (users.ts). */
export interface AccountStorage {
  /** Creates the user and their ledger in one transaction; throws KakeiboError 'auth.email_taken'. */
  createUser(user: {
    id: string;
    email: string;
    passwordHash: string;
    ledgerId: string;
  }): Promise<UserRecord>;
  /**
   * Sign-up in one transaction: the user and their ledger, the device that signed up and its first
   * refresh token, all or none (a sign-up that fails part-way leaves no account behind to block a
   * retry with `auth.email_taken`); throws KakeiboError 'auth.email_taken'.
   */
  createAccount(account: NewAccount): Promise<UserRecord>;
  findUserByEmail(email: string): Promise<UserRecord | null>;
  findUserById(id: string): Promise<UserRecord | null>;
  listUsers(): Promise<UserRecord[]>;
  updatePasswordHash(userId: string, passwordHash: string): Promise<void>;
  setUserDisabled(userId: string, disabled: boolean): Promise<void>;
  /** Deletes the user, their ledger and every row of every table keyed by it. */
  deleteUser(userId: string): Promise<void>;
}

/** Devices of a ledger (devices.ts). */
export interface DeviceStorage {
  /** Inserts, or re-activates (new key, name, revokedAt null) a device id the same ledger used before. */
  upsertDevice(device: NewDevice): Promise<DeviceRecord>;
  findDevice(ledgerId: string, deviceId: string): Promise<DeviceRecord | null>;
  listDevices(ledgerId: string): Promise<DeviceRecord[]>;
  touchDevice(ledgerId: string, deviceId: string, at: string): Promise<void>;
  /** Marks devices revoked and revokes their refresh tokens. Returns the ids actually revoked. */
  revokeDevices(ledgerId: string, deviceIds: readonly string[], at: string): Promise<string[]>;
}

/** Refresh tokens, stored hashed, rotated, revoked by family (refresh-tokens.ts). */
export interface RefreshTokenStorage {
  insertRefreshToken(
    token: Omit<RefreshTokenRecord, 'rotatedAt' | 'successorHash' | 'revokedAt'>,
  ): Promise<void>;
  findRefreshToken(tokenHash: string): Promise<RefreshTokenRecord | null>;
  /**
   * Atomically marks `oldHash` rotated (successor `next.tokenHash`) and inserts `next`, only if `oldHash`
   * is still unrotated and unrevoked. Returns false (and changes nothing) when it was not.
   */
  rotateRefreshToken(
    oldHash: string,
    next: Omit<RefreshTokenRecord, 'rotatedAt' | 'successorHash' | 'revokedAt'>,
    at: string,
  ): Promise<boolean>;
  /** Re-points a rotated token at a new successor (a retried refresh whose answer was lost). */
  replaceSuccessor(
    oldHash: string,
    next: Omit<RefreshTokenRecord, 'rotatedAt' | 'successorHash' | 'revokedAt'>,
    at: string,
  ): Promise<boolean>;
  /**
   * Revokes every token of a family, and marks its device's sessions ended at `at`, so the access
   * token minted for the family is refused from the next request on, not only once it expires.
   */
  revokeRefreshFamily(familyId: string, at: string): Promise<void>;
  /** Revokes every refresh token of the user, except those of `exceptDeviceId` when given. */
  revokeUserRefreshTokens(userId: string, at: string, exceptDeviceId?: string): Promise<void>;
}

/** Audit events (audit.ts). */
export interface AuditStorage {
  recordAudit(event: AuditEvent): Promise<void>;
  listAudit(ledgerId: string, limit: number): Promise<AuditEventRecord[]>;
  /** Drops every event recorded before `before` (ISO time), of every ledger; returns how many. */
  pruneAudit(before: string): Promise<number>;
}

/** The op log and what is read from it: appends (append.ts), pulls, snapshots, checksums and repair (sync-reads.ts), the read API (query-rows.ts). */
export interface SyncStorage {
  /**
   * Appends already-validated ops to the ledger's log in ONE transaction: dedup by op id (a known id
   * yields 'duplicate' with its original seq), assigns consecutive seqs, merges each new op into the
   * materialized row with core mergeOp, stores revealed conflicts and updates checksum buckets.
   * Either every op of the batch is stored or none is.
   */
  appendOps(ledgerId: string, ops: readonly Op[]): Promise<AppendOutcome>;
  /** The ledger's newest seq (0 when empty). */
  head(ledgerId: string): Promise<number>;
  /** Ops with seq > after, ascending, at most `limit`, plus the conflicts those ops revealed. */
  readOps(
    ledgerId: string,
    after: number,
    limit: number,
  ): Promise<{ ops: LoggedOp[]; conflicts: Array<Conflict & { seq: number }> }>;
  /**
   * Current rows (tombstones included) in (table, rowId) order after `cursor`, at most `limit`, each
   * as its packed text (core packRow), opened but never decoded: the snapshot sends it as it is.
   */
  readSnapshot(
    ledgerId: string,
    after: { table: string; rowId: string } | null,
    limit: number,
  ): Promise<PackedRowMessage[]>;
  /** Rows of one table in chosen buckets (checksum repair), packed like readSnapshot's. */
  readBucketRows(
    ledgerId: string,
    table: TableName,
    bucket: number,
    after: string | null,
    limit: number,
  ): Promise<PackedRowMessage[]>;
  getRow(ledgerId: string, table: TableName, rowId: string): Promise<RowState | null>;
  /** Keyset-paginated rows for the read API, newest date first, then row id descending. */
  queryRows(ledgerId: string, query: RowQuery): Promise<{ items: StoredRow[]; nextCursor: string | null }>;
  checksum(ledgerId: string): Promise<{ seq: number; buckets: ChecksumBucketRecord[] }>;
  /** Conflicts with seq > after, ascending (a new device catches up on the ones it missed). */
  listConflicts(ledgerId: string, after: number, limit: number): Promise<Array<Conflict & { seq: number }>>;
}
