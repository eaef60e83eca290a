import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { buildApp, openPostgresStorage, openSqliteStorage, type Storage } from '@kakeibo/server';
import type { Spent } from './method-timers.js';
import { createBenchDatabase } from './postgres.js';
import { tempDir } from './sqlite.js';

type FastifyInstance = Awaited<ReturnType<typeof buildApp>>;

export type StorageMethod = {
  [K in keyof Storage]: Storage[K] extends (...args: never[]) => Promise<unknown> ? K : never;
}[keyof Storage];

/** Wraps the named storage methods with timers (in place); returns the running totals. */
export function timeStorage(storage: Storage, methods: readonly StorageMethod[]): Record<string, Spent> {
  const spent: Record<string, Spent> = {};
  const target = storage as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  for (const method of methods) {
    const original = target[method];
    if (!original) continue;
    const totals: Spent = { calls: 0, ms: 0 };
    spent[method] = totals;
    target[method] = async (...args: unknown[]) => {
      const started = performance.now();
      try {
        return await original.apply(storage, args);
      } finally {
        totals.calls += 1;
        totals.ms += performance.now() - started;
      }
    };
  }
  return spent;
}

export interface BenchServer {
  url: string;
  app: FastifyInstance;
  storage: Storage;
  /** Server-side time per route (Fastify's reply.elapsedTime: request received → response sent). */
  routes: Record<string, Spent>;
  storageSpent: Record<string, Spent>;
  /** Sets every route and storage timer back to zero (after a warm-up or a fill). */
  resetTimers(): void;
  close(): Promise<void>;
}

/**
 * The real app (buildApp) over a fresh SQLCipher file in its own temp dir, listening on a loopback
 * port. Login throttling can be raised for benchmarks that sign in many times from one address.
 */
export async function startSqliteServer(options: BenchServerOptions = {}): Promise<BenchServer> {
  const dir = tempDir('server');
  return startServerOn(
    () => openSqliteStorage({ file: join(dir.path, 'kakeibo.db'), key: randomBytes(32) }),
    options,
    async () => dir.remove(),
  );
}

/** The same over a fresh PostgreSQL database (see support/postgres.ts), its columns envelope-sealed. */
export async function startPostgresServer(options: BenchServerOptions = {}): Promise<BenchServer> {
  const database = await createBenchDatabase();
  return startServerOn(
    () => openPostgresStorage({ connectionString: database.url, masterKey: randomBytes(32) }),
    options,
    () => database.drop(),
  );
}

export interface BenchServerOptions {
  loginLimits?: { failuresPerAccount?: number; failuresPerIp?: number };
  timed?: readonly StorageMethod[];
}

async function startServerOn(
  open: () => Promise<Storage>,
  options: BenchServerOptions,
  remove: () => Promise<void>,
): Promise<BenchServer> {
  let storage: Storage | null = null;
  let app: FastifyInstance | null = null;
  try {
    storage = await open();
    const storageSpent = timeStorage(storage, options.timed ?? []);
    app = await buildApp({
      storage,
      masterKey: randomBytes(32),
      ...(options.loginLimits ? { loginLimits: options.loginLimits } : {}),
    });
    const routes: Record<string, Spent> = {};
    app.addHook('onResponse', async (request, reply) => {
      const key = `${request.method} ${request.routeOptions.url ?? request.url}`;
      const totals = routes[key] ?? { calls: 0, ms: 0 };
      totals.calls += 1;
      totals.ms += reply.elapsedTime;
      routes[key] = totals;
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const opened = { app, storage };
    return {
      url: `http://127.0.0.1:${port}`,
      app,
      storage,
      routes,
      storageSpent,
      resetTimers: () => {
        for (const spent of [...Object.values(routes), ...Object.values(storageSpent)]) {
          spent.calls = 0;
          spent.ms = 0;
        }
      },
      close: async () => {
        try {
          await opened.app.close();
          await opened.storage.close();
        } finally {
          await remove();
        }
      },
    };
  } catch (error) {
    await app?.close().catch(() => undefined);
    await storage?.close().catch(() => undefined);
    await remove();
    throw error;
  }
}
