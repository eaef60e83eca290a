import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { KakeiboError, type ServeOptions, type ServeOptionsInput, ServeOptionsSchema } from '@kakeibo/core';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { buildApp } from './app.js';
import { deriveSubkey, loadMasterKey, SUBKEY_PURPOSES } from './crypto/master-key.js';
import { RedisShared } from './shared/redis.js';
import { openPostgresStorage } from './storage/postgres/open.js';
import { openSqliteStorage } from './storage/sqlite/open.js';
import type { Storage } from './storage/types.js';
import { loadTls, selfSignedTls } from './tls.js';

export interface RunningServer {
  app: FastifyInstance;
  storage: Storage;
  /** The base URL it listens on, e.g. http://127.0.0.1:8080 */
  url: string;
  close(): Promise<void>;
}

export interface ConfiguredStorageOptions {
  /** Refuse to create anything: the key and (SQLite) the database file must exist already (backups). */
  existing?: boolean;
}

/** The master key a set of options describes, taken as `serve` takes it (env, key file, generated). */
export async function configuredMasterKey(
  options: ServeOptions,
  log: (line: string) => void = console.error,
  { existing = false }: ConfiguredStorageOptions = {},
): Promise<Buffer> {
  const dataDir = resolve(options.dataDir);
  const { key } = await loadMasterKey({
    envValue: options.masterKey,
    keyFile: resolve(options.keyFile ?? join(dataDir, 'master.key')),
    dataDir,
    log: (message) => log(`warning: ${message}`),
    generate: !existing,
  });
  return key;
}

/** The storage and master key a set of options describes: shared by `serve` and the admin commands. */
export async function openConfiguredStorage(
  input: ServeOptionsInput,
  log: (line: string) => void = console.error,
  { existing = false }: ConfiguredStorageOptions = {},
) {
  const options: ServeOptions = ServeOptionsSchema.parse(input);
  const dataDir = resolve(options.dataDir);
  const file = join(dataDir, 'kakeibo.db');
  if (existing && !options.databaseUrl && !existsSync(file))
    throw new KakeiboError(
      'storage.not_found',
      `There is no Kakeibo database at ${file}: give the server's --data directory, or KAKEIBO_DATABASE_URL.`,
    );
  if (!existing && !options.databaseUrl) mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const masterKey = await configuredMasterKey(options, log, { existing });
  const storage = options.databaseUrl
    ? await openPostgresStorage({
        connectionString: options.databaseUrl,
        masterKey: deriveSubkey(masterKey, SUBKEY_PURPOSES.dataKeyWrap),
      })
    : await openSqliteStorage({ file, key: deriveSubkey(masterKey, SUBKEY_PURPOSES.sqliteFile) });
  return { options, dataDir, masterKey, storage };
}

/** Opens storage (SQLite under dataDir, or PostgreSQL) with the master key, and listens. */
export async function startServer(
  input: ServeOptionsInput,
  log: (line: string) => void = console.error,
): Promise<RunningServer> {
  const { options, dataDir, masterKey, storage } = await openConfiguredStorage(input, log);
  if ((await storage.serverInfo()).restoreIncomplete) {
    await storage.close();
    throw new KakeiboError(
      'storage.restore_incomplete',
      'This database holds a restore that did not finish: restore again into a new data directory or an empty database.',
    );
  }
  const https =
    options.tlsCert && options.tlsKey
      ? loadTls(options.tlsCert, options.tlsKey)
      : options.tlsSelfSigned
        ? selfSignedTls(dataDir)
        : null;
  let redis: RedisShared | null = null;
  try {
    redis = options.redisUrl ? await RedisShared.connect(options.redisUrl, options.redisPrefix) : null;
  } catch (error) {
    await storage.close();
    throw error;
  }
  let app: FastifyInstance | undefined;
  try {
    app = await buildApp({
      storage,
      masterKey,
      redis,
      https,
      trustProxy: options.trustProxy,
      webDir: options.webDir ?? null,
      auditRetentionDays: options.auditRetentionDays,
      logger: loggerOptions(options.logLevel, process.stdout.isTTY === true),
    });
    await app.listen({ port: options.port, host: options.host });
  } catch (error) {
    await app?.close().catch(() => {});
    await storage.close();
    await redis?.close();
    throw error;
  }
  const running = app;
  const address = running.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    app: running,
    storage,
    url: `${https ? 'https' : 'http'}://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    close: async () => {
      await running.close();
      await storage.close();
      await redis?.close();
    },
  };
}

/**
 * The server's log: JSON lines for whatever collects them (a pipe, a file, journald), and on a
 * terminal the same lines made readable (pino-pretty: time, level, message, on one line each).
 */
export function loggerOptions(level: string, terminal: boolean): FastifyServerOptions['logger'] {
  if (level === 'silent') return false;
  if (!terminal) return { level };
  return {
    level,
    transport: {
      target: 'pino-pretty',
      options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,reqId', singleLine: true },
    },
  };
}
