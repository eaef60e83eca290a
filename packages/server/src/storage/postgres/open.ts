import { requireKeyBytes } from '@kakeibo/core';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { createKyselyStorage } from '../kysely-storage.js';
import type { Database } from '../schema.js';
import type { Storage } from '../types.js';
import { postgresTraits } from './traits.js';

export interface PostgresStorageOptions {
  connectionString: string;
  /** 32 bytes; wraps every ledger's data key (envelope encryption of the sensitive columns). */
  masterKey: Buffer;
  poolSize?: number;
  /** Told about idle connections the server dropped (for logs); they are replaced on demand. */
  onIdleError?: (error: Error) => void;
  /** The clock of the times the storage stamps itself (createdAt, audit time); tests set it. */
  now?: () => string;
}

/** The scale-out adapter: stateless server instances share one PostgreSQL database. */
export async function openPostgresStorage(options: PostgresStorageOptions): Promise<Storage> {
  requireKeyBytes(options.masterKey, { name: 'master key', code: 'storage.bad_key' });
  const pool = new pg.Pool({ connectionString: options.connectionString, max: options.poolSize ?? 10 });
  // An idle connection the server closes (restart, failover, an administrator) is an 'error' event
  // on the pool; unheard, it would crash the process. The pool drops that client and the next query
  // opens a new one, so there is nothing else to do here.
  pool.on('error', options.onIdleError ?? (() => undefined));
  const storage = createKyselyStorage({
    db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }),
    traits: postgresTraits,
    masterKey: options.masterKey,
    storageKey: options.masterKey,
    ...(options.now && { now: options.now }),
  });
  try {
    await storage.migrate();
  } catch (error) {
    await storage.close();
    throw error;
  }
  return storage;
}
