import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { registerCleanup } from './cleanup.js';

/**
 * A fresh database per scenario on the machine's PostgreSQL (loopback, user postgres, trust auth),
 * made through the maintenance database and dropped WITH (FORCE) at cleanup, as bench/ does.
 * KAKEIBO_CHAOS_PG overrides the maintenance URL.
 */
const MAINTENANCE_URL = process.env.KAKEIBO_CHAOS_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface ChaosDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

async function maintenance(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: MAINTENANCE_URL, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

export async function createDatabase(): Promise<ChaosDatabase> {
  const name = `kakeibo_chaos_${randomBytes(6).toString('hex')}`;
  await maintenance(`CREATE DATABASE ${name}`);
  const drop = registerCleanup(() => maintenance(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  const url = new URL(MAINTENANCE_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), name, drop };
}

/** Base64 of 32 random bytes: the server's master key for PostgreSQL, the same across restarts. */
export function masterKey(): string {
  return randomBytes(32).toString('base64');
}
