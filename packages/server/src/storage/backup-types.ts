import type { Op, PackedRowMessage } from '@kakeibo/core';
import type { AuditEventRecord, DeviceRecord, RefreshTokenRecord, UserRecord } from './account-types.js';

/**
 * What a backup reads from a storage and a restore writes into one: logical records, the same
 * whatever the database (SQLite or PostgreSQL), with sealed columns opened. The backup encrypts
 * them as a whole (packages/server/src/backup); a restore seals them again with the target's keys.
 */

/** A ledger as the backup lists it: whose it is and how far its log goes. */
export interface BackupLedger {
  id: string;
  userId: string;
  head: number;
  createdAt: string;
}

/** Everything of one account outside its synced data: the user, their ledger, devices, tokens, security log. */
export interface BackupAccount {
  user: UserRecord;
  ledger: { id: string; userId: string; createdAt: string };
  devices: DeviceRecord[];
  refreshTokens: RefreshTokenRecord[];
  audit: AuditEventRecord[];
}

/** A logged op with its place in the log and when the server accepted it. */
export interface BackupOp {
  seq: number;
  /** The server's clock when it accepted the op (for ops logged before migration 6: the stamp's wall time). */
  receivedAt: string;
  op: Op;
}

/** A recorded conflict as stored: its body is core's encodeConflictBody text. */
export interface BackupConflict {
  id: string;
  seq: number;
  table: string;
  rowId: string;
  field: string;
  body: string;
}

/**
 * One consistent view of the whole storage (one read transaction; a snapshot on PostgreSQL, a WAL
 * read snapshot on SQLite): every read below sees the same moment. Every list is paged.
 */
export interface BackupSource {
  /** The storage's clock once the snapshot was taken. */
  readonly takenAt: string;
  readonly serverId: string;
  /** Ledgers in id order after `after`. */
  ledgers(after: string | null, limit: number): Promise<BackupLedger[]>;
  /** The accounts of these ledgers, in the order given (a ledger without a user is left out). */
  accounts(ledgerIds: readonly string[]): Promise<BackupAccount[]>;
  /** Security events that belong to no ledger (failed sign-ins of unknown addresses), in id order. */
  unownedAudit(after: string | null, limit: number): Promise<AuditEventRecord[]>;
  /** Logged ops with after < seq <= upTo, ascending. */
  ops(ledgerId: string, after: number, upTo: number, limit: number): Promise<BackupOp[]>;
  /** Current rows in (table, rowId) order, as packed text. */
  rows(
    ledgerId: string,
    after: { table: string; rowId: string } | null,
    limit: number,
  ): Promise<PackedRowMessage[]>;
  /** Conflicts with seq <= upTo in (seq, id) order after `after`. */
  conflicts(
    ledgerId: string,
    after: { seq: number; id: string } | null,
    upTo: number,
    limit: number,
  ): Promise<BackupConflict[]>;
  /** The id of the op at `seq`, or null: how a later backup proves the log did not change under it. */
  opIdAt(ledgerId: string, seq: number): Promise<string | null>;
  /** The ledger's checksum at the snapshot (core combineBuckets of its buckets). */
  checksum(ledgerId: string): Promise<string>;
}

export interface ServerInfo {
  /** Random, made once per database (and anew by a restore). */
  serverId: string;
  /** A restore began writing into this database and has not finished: it must not be served. */
  restoreIncomplete: boolean;
}

/** Backups' reads (backup-reads.ts) and a restore's writes (restore-writes.ts). */
export interface BackupStorage {
  serverInfo(): Promise<ServerInfo>;
  /** Runs `read` over one consistent snapshot of the storage; the snapshot ends when it settles. */
  readForBackup<T>(read: (source: BackupSource) => Promise<T>): Promise<T>;
  /**
   * Starts a restore into this storage: refuses (`restore.target_not_empty`) unless it holds no
   * account, then marks it incomplete and gives it a new server id.
   */
  beginRestore(): Promise<void>;
  /** Clears the incomplete mark: the restored database may be served. */
  finishRestore(): Promise<void>;
  restoreAccount(account: BackupAccount): Promise<void>;
  restoreUnownedAudit(events: readonly AuditEventRecord[]): Promise<void>;
  /** Rows as they were at a backup's head, and their checksum (sums recomputed from the rows). */
  restoreRows(ledgerId: string, rows: readonly PackedRowMessage[]): Promise<void>;
  /** Log entries written as they were (the rows come from restoreRows); the head follows the last. */
  restoreLoggedOps(ledgerId: string, ops: readonly BackupOp[]): Promise<void>;
  restoreConflicts(ledgerId: string, conflicts: readonly BackupConflict[]): Promise<void>;
  /**
   * Ops applied as a push applies them (merge, conflicts, checksum), each at its recorded seq and
   * received time; throws `restore.seq_mismatch` if the log would not continue exactly there.
   */
  replayOps(ledgerId: string, ops: readonly BackupOp[]): Promise<void>;
}
