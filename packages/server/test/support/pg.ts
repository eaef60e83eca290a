import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * A fresh PostgreSQL database per test file on the machine's server, so concurrent runs (and
 * concurrent test files) never see each other's data. KAKEIBO_TEST_PG overrides the maintenance
 * database URL.
 */
const MAINTENANCE_URL = process.env.KAKEIBO_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  /** Connection string of the new database. */
  url: string;
  name: string;
  /** Drops the database, disconnecting anything still connected to it. */
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `kakeibo_test_${randomBytes(6).toString('hex')}`;
  await maintenance(`CREATE DATABASE ${name}`);
  const url = new URL(MAINTENANCE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () => maintenance(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

async function maintenance(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: MAINTENANCE_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
