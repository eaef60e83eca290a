import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import type { StorageContext } from '../context.js';
import { initial } from './0001-initial.js';
import { checksumVersion } from './0002-checksum-version.js';
import { usedNonces } from './0003-used-nonces.js';
import { deviceSessionsEnded } from './0004-device-sessions-ended.js';
import { minimisedPersonalData } from './0005-minimised-personal-data.js';
import { backupSupport } from './0006-backup-support.js';

/**
 * Migrations are listed here rather than discovered in a folder, so they run the same from src/
 * (tests) and dist/ (production). Names sort in the order they must run; never rename one. A
 * migration that rewrites values (sealing, hashing) is made with the storage's context, for its keys.
 */
const migrations = (ctx: StorageContext): Record<string, Migration> => ({
  '0001-initial': initial,
  '0002-checksum-version': checksumVersion,
  '0003-used-nonces': usedNonces,
  '0004-device-sessions-ended': deviceSessionsEnded,
  '0005-minimised-personal-data': minimisedPersonalData(ctx),
  '0006-backup-support': backupSupport,
});

/** Brings the schema to the latest version; throws the first failure (Kysely rolls it back). */
export async function migrateToLatest(ctx: StorageContext): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => migrations(ctx) };
  const { error } = await new Migrator({ db: ctx.db as Kysely<unknown>, provider }).migrateToLatest();
  if (error) throw error;
}
