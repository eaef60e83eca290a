import type { ColumnType } from 'kysely';

/**
 * The tables as Kysely sees them. One schema for both dialects: timestamps and JSON are text,
 * booleans are 0/1 integers. 64-bit columns come back as numbers from SQLite and as strings from
 * PostgreSQL (node-pg keeps int8 exact), so reads pass them through `Number()`.
 */
type Int8 = ColumnType<number | string, number, number>;

export interface UsersTable {
  id: string;
  /** Keyed hash of the normalised address: what accounts are looked up by (account-keys.ts). */
  email_index: string;
  /** The normalised address, sealed on PostgreSQL. */
  email: string;
  password_hash: string;
  ledger_id: string;
  created_at: string;
  disabled_at: string | null;
}

export interface LedgersTable {
  id: string;
  user_id: string;
  head: Int8;
  /** The ledger's data key sealed by the master key (PostgreSQL); null where the file is encrypted whole. */
  wrapped_key: string | null;
  created_at: string;
  /** core's CHECKSUM_VERSION that the ledger's checksum_buckets follow (older ones are recomputed). */
  checksum_version: ColumnType<number, number | undefined, number>;
}

export interface DevicesTable {
  ledger_id: string;
  id: string;
  user_id: string;
  /** Sealed with the ledger's key on PostgreSQL, as is the platform. */
  name: string;
  platform: string;
  public_key_jwk: string;
  alg: string;
  created_at: string;
  last_seen_at: string;
  revoked_at: string | null;
  /** When a refresh-token family of this device was ended for reuse: access tokens minted before it are refused. */
  sessions_ended_at: string | null;
}

export interface RefreshTokensTable {
  token_hash: string;
  ledger_id: string;
  user_id: string;
  device_id: string;
  family_id: string;
  created_at: string;
  expires_at: string;
  rotated_at: string | null;
  successor_hash: string | null;
  revoked_at: string | null;
}

export interface AuditEventsTable {
  /** '' for events that belong to no ledger (a failed sign-in for an unknown email). */
  ledger_id: string;
  id: string;
  at: string;
  kind: string;
  /** The client's network only (ip-truncation.ts), never its whole address. */
  ip: string | null;
  device_id: string | null;
  user_id: string | null;
  detail: string;
}

export interface OpLogTable {
  ledger_id: string;
  seq: Int8;
  op_id: string;
  tbl: string;
  row_id: string;
  stamp: string;
  device_id: string;
  /** JSON of the op's fields; sealed on PostgreSQL. */
  fields: string;
  /** JSON of the op's non-null prev stamps (stamps only, nothing personal); see codec.ts. */
  prev: string;
  /** When the server accepted the op (ISO, its own clock); null for ops logged before migration 6. */
  received_at: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface EntityRowsTable {
  ledger_id: string;
  tbl: string;
  row_id: string;
  /** The RowState (every field with its stamp) in the compact form of codec.ts; sealed on PostgreSQL. */
  fields: string;
  deleted: number;
  /** The row's calendar date (date, purchaseDate or startDate), '' when it has none. */
  sort_date: string;
  category_id: string | null;
  /** Checksum bucket (last hex digit of the row id): repair reads one bucket's rows. */
  bucket: number;
}

export interface ConflictsTable {
  ledger_id: string;
  id: string;
  seq: Int8;
  tbl: string;
  row_id: string;
  field: string;
  /** JSON of { winner, loser }; sealed on PostgreSQL (the values may be payees or notes). */
  body: string;
}

export interface ChecksumBucketsTable {
  ledger_id: string;
  tbl: string;
  bucket: number;
  /** Lane sums, unsigned 32-bit: int8 on PostgreSQL because they exceed int4. */
  hi: Int8;
  lo: Int8;
  fields: Int8;
}

export interface UsedNoncesTable {
  nonce: string;
  /** Unix ms, as int8 (node-pg reads it as text). */
  expires_at: number | string;
}

/** Facts about this database as a whole: its identity, a restore in progress (migration 6). */
export interface ServerInfoTable {
  key: string;
  value: string;
}

export interface Database {
  used_nonces: UsedNoncesTable;
  users: UsersTable;
  ledgers: LedgersTable;
  devices: DevicesTable;
  refresh_tokens: RefreshTokensTable;
  audit_events: AuditEventsTable;
  op_log: OpLogTable;
  entity_rows: EntityRowsTable;
  conflicts: ConflictsTable;
  checksum_buckets: ChecksumBucketsTable;
  server_info: ServerInfoTable;
}

/** Tables holding one ledger's data, keyed by ledger_id first (deleteUser empties all of them). */
export const LEDGER_TABLES = [
  'devices',
  'refresh_tokens',
  'audit_events',
  'op_log',
  'entity_rows',
  'conflicts',
  'checksum_buckets',
] as const;
