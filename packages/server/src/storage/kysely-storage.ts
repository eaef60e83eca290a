import type { Kysely } from 'kysely';
import { accountKeys } from './account-keys.js';
import * as append from './append.js';
import * as audit from './audit.js';
import * as backupReads from './backup-reads.js';
import type { StorageContext } from './context.js';
import * as devices from './devices.js';
import type { DialectTraits } from './dialect.js';
import { LedgerKeys } from './ledger-keys.js';
import { migrateToLatest } from './migrations/index.js';
import * as nonces from './nonces.js';
import * as rowQueries from './query-rows.js';
import * as tokens from './refresh-tokens.js';
import * as restoreWrites from './restore-writes.js';
import type { Database } from './schema.js';
import * as reads from './sync-reads.js';
import type { Storage } from './types.js';
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
  /**
   * The storage's own key (SQLite's file key, or the master key above): the e-mail lookup key and,
   * where columns are sealed, the e-mail sealing key are derived from it.
   */
  storageKey: Buffer;
  now?: () => string;
  /** Runs when the storage closes, before its database connection does (SQLite: its checkpointer). */
  beforeClose?: () => Promise<void>;
}

/**
 * The one implementation of Storage for every dialect: the area modules, each a set of functions
 * of the StorageContext, with that context given once here. Dialect differences live in
 * DialectTraits; the SQL itself is written once, in the area modules.
 */
export function createKyselyStorage(options: KyselyStorageOptions): Storage {
  const ctx: StorageContext = {
    db: options.db,
    traits: options.traits,
    keys: options.masterKey ? new LedgerKeys(options.masterKey) : null,
    accounts: accountKeys(options.storageKey, options.masterKey !== undefined),
    now: options.now ?? (() => new Date().toISOString()),
  };
  return {
    kind: options.traits.kind,
    migrate: () => migrateToLatest(ctx),
    close: async () => {
      await options.beforeClose?.();
      await ctx.db.destroy();
    },
    ...withContext(ctx, nonces),
    ...withContext(ctx, users),
    ...withContext(ctx, devices),
    ...withContext(ctx, tokens),
    ...withContext(ctx, audit),
    ...withContext(ctx, append),
    ...withContext(ctx, reads),
    ...withContext(ctx, rowQueries),
    ...withContext(ctx, backupReads),
    ...withContext(ctx, restoreWrites),
    // Generic: bound by hand, since binding infers away its type parameter.
    readForBackup: (read) => backupReads.readForBackup(ctx, read),
  };
}

// biome-ignore lint/suspicious/noExplicitAny: any function taking the context first; each keeps its own type
type AreaFunction = (ctx: StorageContext, ...args: any[]) => unknown;
type WithContext<F> = F extends (ctx: StorageContext, ...args: infer A) => infer R
  ? (...args: A) => R
  : never;

/**
 * An area module's functions with the context bound: `createUser(ctx, user)` becomes
 * `createUser(user)`. Every export of an area module is a Storage method, so this is the whole of
 * the wiring; the Storage type checks that the result has every method with the right signature.
 */
function withContext<M extends Record<string, AreaFunction>>(
  ctx: StorageContext,
  area: M,
): { [K in keyof M]: WithContext<M[K]> } {
  const bound: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(area)) bound[name] = (...args: unknown[]) => fn(ctx, ...args);
  return bound as { [K in keyof M]: WithContext<M[K]> };
}
