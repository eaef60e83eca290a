export { KyselyStorage, type KyselyStorageOptions } from './kysely-storage.js';
export { openPostgresStorage, type PostgresStorageOptions } from './postgres.js';
export { openSqliteStorage, type SqliteStorageOptions } from './sqlite.js';
export { useSqlCipher } from './sqlite-cipher.js';
export * from './types.js';
