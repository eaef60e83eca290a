import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { registerCleanup, SkipCase } from '../case.js';

/**
 * A fresh database per benchmark on the machine's PostgreSQL (loopback, user postgres, trust auth),
 * created through the maintenance database and dropped WITH (FORCE) afterwards. KAKEIBO_BENCH_PG
 * overrides the maintenance URL.
 */
const MAINTENANCE_URL = process.env.KAKEIBO_BENCH_PG ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface BenchDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

async function maintenance(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: MAINTENANCE_URL, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** Creates `kakeibo_bench_<random>`; throws SkipCase when PostgreSQL cannot be reached at all. */
export async function createBenchDatabase(): Promise<BenchDatabase> {
  const name = `kakeibo_bench_${randomBytes(6).toString('hex')}`;
  try {
    await maintenance(`CREATE DATABASE ${name}`);
  } catch (error) {
    const code = (error as { code?: string }).code;
    const message = error instanceof Error ? error.message : String(error);
    // Connection-level failures mean "no PostgreSQL here"; anything else is a real error.
    if (
      code === 'ECONNREFUSED' ||
      code === 'ENOTFOUND' ||
      code === 'EHOSTUNREACH' ||
      /timeout/i.test(message)
    ) {
      throw new SkipCase(`PostgreSQL not reachable at ${redact(MAINTENANCE_URL)} (${code ?? message})`);
    }
    throw error;
  }
  const url = new URL(MAINTENANCE_URL);
  url.pathname = `/${name}`;
  const drop = registerCleanup(() => maintenance(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  return {
    url: url.toString(),
    name,
    drop,
  };
}

function redact(connectionString: string): string {
  const url = new URL(connectionString);
  if (url.password) url.password = '***';
  return url.toString();
}
