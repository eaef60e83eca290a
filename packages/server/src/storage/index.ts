export { openPostgresStorage, type PostgresStorageOptions } from './postgres/open.js';
export { useSqlCipher } from './sqlite/cipher.js';
export { openSqliteStorage, type SqliteStorageOptions } from './sqlite/open.js';
export * from './types.js';
