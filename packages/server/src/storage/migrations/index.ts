import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import { initial } from './0001-initial.js';
import { checksumVersion } from './0002-checksum-version.js';
import { usedNonces } from './0003-used-nonces.js';
import { deviceSessionsEnded } from './0004-device-sessions-ended.js';

/**
 * Migrations are listed here rather than discovered in a folder, so they run the same from src/
 * (tests) and dist/ (production). Names sort in the order they must run; never rename one.
 */
const MIGRATIONS: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-checksum-version': checksumVersion,
  '0003-used-nonces': usedNonces,
  '0004-device-sessions-ended': deviceSessionsEnded,
};

const provider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};

/** Brings the schema to the latest version; throws the first failure (Kysely rolls it back). */
export async function migrateToLatest(db: Kysely<unknown>): Promise<void> {
  const { error } = await new Migrator({ db, provider }).migrateToLatest();
  if (error) throw error;
}
