import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { buildApp } from '../../src/app.js';
import { deriveSubkey, SUBKEY_PURPOSES } from '../../src/crypto/master-key.js';
import type { HttpTimeouts } from '../../src/http/timeouts.js';
import type { LoginLimits } from '../../src/services/login-throttle.js';
import type { RedisShared } from '../../src/shared/redis.js';
import { openPostgresStorage } from '../../src/storage/postgres/open.js';
import { openSqliteStorage } from '../../src/storage/sqlite/open.js';
import type { Storage } from '../../src/storage/types.js';
import { createTestDatabase } from './pg.js';

export interface TestServer {
  url: string;
  app: FastifyInstance;
  storage: Storage;
  close(): Promise<void>;
  /** Stops this app (its memory with it: nonces, rate limits) and starts a new one on the same storage. */
  restart(): Promise<TestServer>;
}

export type AdapterName = 'sqlite' | 'postgres';

/** Opens a fresh, empty storage of the given kind (own temp dir or own database) with a cleanup. */
export async function freshStorage(kind: AdapterName, masterKey: Buffer) {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'kakeibo-api-'));
    const storage = await openSqliteStorage({ file: join(dir, 'kakeibo.db'), key: randomBytes(32) });
    return { storage, dir, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const db = await createTestDatabase();
  const storage = await openPostgresStorage({
    connectionString: db.url,
    masterKey: deriveSubkey(masterKey, SUBKEY_PURPOSES.dataKeyWrap),
  });
  return { storage, dir: null, cleanup: () => db.drop() };
}

export type ServerOptions = {
  now?: () => number;
  loginLimits?: Partial<LoginLimits>;
  heartbeatMs?: number;
  webDir?: string;
  /** A logger for the server (tests that read what it logs); default none. */
  logger?: FastifyServerOptions['logger'];
  timeouts?: Partial<HttpTimeouts>;
  /** Share state through this Redis (rate limits, nonces, notices) instead of in-process. */
  redis?: RedisShared;
};

/** The real HTTP server on a loopback port, over a fresh storage. */
export async function startTestServer(kind: AdapterName, options: ServerOptions = {}): Promise<TestServer> {
  const masterKey = randomBytes(32);
  const { storage, cleanup } = await freshStorage(kind, masterKey);
  return listening(storage, masterKey, options, cleanup);
}

/** The app over `storage`, on a fresh loopback port; `restart` is a new app over the same storage. */
async function listening(
  storage: Storage,
  masterKey: Buffer,
  options: ServerOptions,
  cleanup: () => Promise<void>,
): Promise<TestServer> {
  // Many accounts come from one test address: sign-up throttling is tested on its own.
  const loginLimits = { signupsPerIp: 10_000, failuresPerIp: 10_000, ...options.loginLimits };
  const app = await buildApp({
    storage,
    masterKey,
    loginLimits,
    ...(options.now && { now: options.now }),
    ...(options.heartbeatMs && { heartbeatMs: options.heartbeatMs }),
    ...(options.webDir && { webDir: options.webDir }),
    ...(options.logger && { logger: options.logger }),
    ...(options.timeouts && { timeouts: options.timeouts }),
    ...(options.redis && { redis: options.redis }),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    storage,
    close: async () => {
      await app.close();
      await storage.close();
      await cleanup();
    },
    restart: async () => {
      await app.close();
      return listening(storage, masterKey, options, cleanup);
    },
  };
}
