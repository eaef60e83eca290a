import type { Op, TableName } from '@kakeibo/core';
import type { Kysely } from 'kysely';
import { appendOps } from './append.js';
import * as audit from './audit.js';
import type { StorageContext } from './context.js';
import * as devices from './devices.js';
import type { DialectTraits } from './dialect.js';
import { LedgerKeys } from './ledger-keys.js';
import { migrateToLatest } from './migrations/index.js';
import { queryRows } from './query-rows.js';
import * as tokens from './refresh-tokens.js';
import type { Database } from './schema.js';
import * as reads from './sync-reads.js';
import type { AuditEvent, DeviceRecord, RefreshTokenRecord, RowQuery, Storage } from './types.js';
import * as users from './users.js';

export interface KyselyStorageOptions {
  db: Kysely<Database>;
  traits: DialectTraits;
  /**
   * When given, every op's fields, every row's fields and every conflict body are sealed with the
   * ledger's own data key, wrapped by this master key (PostgreSQL: the database is not encrypted
   * as a whole). Without it they are stored as plain JSON (SQLite: the whole file is encrypted).
   */
  masterKey?: Buffer;
  now?: () => string;
  /** Runs when the storage closes, before its database connection does (SQLite: its checkpointer). */
  beforeClose?: () => Promise<void>;
}

/**
 * The one implementation of Storage for both databases. Dialect differences live in
 * DialectTraits; the SQL itself is written once, in the modules each method delegates to.
 */
export class KyselyStorage implements Storage {
  readonly kind: string;
  private readonly ctx: StorageContext;
  private readonly beforeClose: () => Promise<void>;

  constructor(options: KyselyStorageOptions) {
    this.kind = options.traits.kind;
    this.beforeClose = options.beforeClose ?? (async () => {});
    this.ctx = {
      db: options.db,
      traits: options.traits,
      keys: options.masterKey ? new LedgerKeys(options.masterKey) : null,
      now: options.now ?? (() => new Date().toISOString()),
    };
  }

  migrate = () => migrateToLatest(this.ctx.db as Kysely<unknown>);
  close = async () => {
    await this.beforeClose();
    await this.ctx.db.destroy();
  };

  createUser = (user: { id: string; email: string; passwordHash: string; ledgerId: string }) =>
    users.createUser(this.ctx, user);
  findUserByEmail = (email: string) => users.findUserByEmail(this.ctx, email);
  findUserById = (id: string) => users.findUserById(this.ctx, id);
  listUsers = () => users.listUsers(this.ctx);
  updatePasswordHash = (userId: string, hash: string) => users.updatePasswordHash(this.ctx, userId, hash);
  setUserDisabled = (userId: string, disabled: boolean) => users.setUserDisabled(this.ctx, userId, disabled);
  deleteUser = (userId: string) => users.deleteUser(this.ctx, userId);

  upsertDevice = (device: Omit<DeviceRecord, 'createdAt' | 'lastSeenAt' | 'revokedAt'>) =>
    devices.upsertDevice(this.ctx, device);
  findDevice = (ledgerId: string, deviceId: string) => devices.findDevice(this.ctx, ledgerId, deviceId);
  listDevices = (ledgerId: string) => devices.listDevices(this.ctx, ledgerId);
  touchDevice = (ledgerId: string, deviceId: string, at: string) =>
    devices.touchDevice(this.ctx, ledgerId, deviceId, at);
  revokeDevices = (ledgerId: string, deviceIds: readonly string[], at: string) =>
    devices.revokeDevices(this.ctx, ledgerId, deviceIds, at);

  insertRefreshToken = (token: NewToken) => tokens.insertRefreshToken(this.ctx, token);
  findRefreshToken = (tokenHash: string) => tokens.findRefreshToken(this.ctx, tokenHash);
  rotateRefreshToken = (oldHash: string, next: NewToken, at: string) =>
    tokens.rotateRefreshToken(this.ctx, oldHash, next, at);
  replaceSuccessor = (oldHash: string, next: NewToken, at: string) =>
    tokens.replaceSuccessor(this.ctx, oldHash, next, at);
  revokeRefreshFamily = (familyId: string, at: string) => tokens.revokeRefreshFamily(this.ctx, familyId, at);
  revokeUserRefreshTokens = (userId: string, at: string, exceptDeviceId?: string) =>
    tokens.revokeUserRefreshTokens(this.ctx, userId, at, exceptDeviceId);

  recordAudit = (event: AuditEvent) => audit.recordAudit(this.ctx, event);
  listAudit = (ledgerId: string, limit: number) => audit.listAudit(this.ctx, ledgerId, limit);

  appendOps = (ledgerId: string, ops: readonly Op[]) => appendOps(this.ctx, ledgerId, ops);
  head = (ledgerId: string) => reads.head(this.ctx, ledgerId);
  readOps = (ledgerId: string, after: number, limit: number) =>
    reads.readOps(this.ctx, ledgerId, after, limit);
  readSnapshot = (ledgerId: string, after: { table: string; rowId: string } | null, limit: number) =>
    reads.readSnapshot(this.ctx, ledgerId, after, limit);
  readBucketRows = (
    ledgerId: string,
    table: TableName,
    bucket: number,
    after: string | null,
    limit: number,
  ) => reads.readBucketRows(this.ctx, ledgerId, table, bucket, after, limit);
  getRow = (ledgerId: string, table: TableName, rowId: string) =>
    reads.getRow(this.ctx, ledgerId, table, rowId);
  queryRows = (ledgerId: string, query: RowQuery) => queryRows(this.ctx, ledgerId, query);
  checksum = (ledgerId: string) => reads.checksum(this.ctx, ledgerId);
  listConflicts = (ledgerId: string, after: number, limit: number) =>
    reads.listConflicts(this.ctx, ledgerId, after, limit);
}

type NewToken = Omit<RefreshTokenRecord, 'rotatedAt' | 'successorHash' | 'revokedAt'>;
