import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importDevicePrivateKey, ROUTES, type Session, type SignatureAlg } from '@kakeibo/core';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServeProcess, startServe } from '../../cli/test/cli-process.js';
import { createTestDatabase } from '../../server/test/support/pg.js';
import { type Kakeibo, openKakeibo } from '../src/index.js';
import { ApiClient } from '../src/transport/api-client.js';
import { openDeviceStore } from './support/index.js';

/**
 * Two real server processes on the machine's PostgreSQL and Redis: the scale-out shape. A device on
 * each instance; the only link between them is the shared database and Redis.
 */
describe('two instances on PostgreSQL and Redis', () => {
  const root = mkdtempSync(join(tmpdir(), 'kakeibo-scale-'));
  const prefix = `kakeibo-test-${randomBytes(6).toString('hex')}:`;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let one: ServeProcess;
  let two: ServeProcess;
  const opened: Kakeibo[] = [];

  beforeAll(async () => {
    process.env.KAKEIBO_CLIENT_KEY_DIR = join(root, 'keys');
    db = await createTestDatabase();
    const env = {
      KAKEIBO_DATABASE_URL: db.url,
      KAKEIBO_MASTER_KEY: randomBytes(32).toString('base64'),
      KAKEIBO_REDIS_URL: 'redis://127.0.0.1:6379',
      KAKEIBO_REDIS_PREFIX: prefix,
      KAKEIBO_LOG_LEVEL: 'warn',
    };
    one = await startServe(['--data', join(root, 'one')], env);
    two = await startServe(['--data', join(root, 'two')], env);
  });

  afterAll(async () => {
    for (const kb of opened) await kb.close().catch(() => {});
    await one?.stop();
    await two?.stop();
    await db?.drop();
    const redis = new Redis('redis://127.0.0.1:6379');
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    rmSync(root, { recursive: true, force: true });
  });

  const device = async (name: string, serverUrl: string, syncIntervalMs?: number) => {
    const kb = await openKakeibo({
      serverUrl,
      dataDir: join(root, `device-${name}`),
      deviceName: name,
      ...(syncIntervalMs && { syncIntervalMs }),
    });
    opened.push(kb);
    return kb;
  };

  it('a change on instance 1 reaches a device on instance 2 without it calling sync; revocation ends it everywhere', async () => {
    const email = `scale.${Date.now()}@example.com`;
    const password = 'correct horse battery staple';
    const a = await device('a', one.url);
    await a.auth.signUp({ email, password });
    // B polls only once an hour: anything it learns quickly came over the socket.
    const b = await device('b', two.url, 60 * 60_000);
    await b.auth.signIn({ email, password });
    await b.sync();
    const connected = new Promise<void>((resolve) => {
      const off = b.on('status', (s) => {
        if (s.transport === 'realtime') {
          off();
          resolve();
        }
      });
    });
    b.startSync();
    await connected;
    expect(b.status().transport).toBe('realtime');

    const arrived = new Promise<string[]>((resolve) => {
      b.on('change', ({ table, ids }) => {
        if (table === 'expenses') resolve(ids);
      });
    });
    const made = await a.expenses.create({
      amount: 1234,
      currency: 'EUR',
      date: '2026-11-07',
      payee: 'Across instances',
    });
    await a.sync();
    expect(await arrived).toEqual([made.id]);
    expect((await b.expenses.get(made.id))?.payee).toBe('Across instances');

    // Keep B's credentials to knock on both instances after the revocation.
    const dataDir = join(root, 'device-b');
    const store = await openDeviceStore(dataDir);
    const session = JSON.parse((await store.getMeta('auth.session')) as string) as Session;
    const key = JSON.parse((await store.getMeta('device.key')) as string) as {
      alg: SignatureAlg;
      privateJwk: JsonWebKey;
    };
    await store.close();
    const identity = {
      deviceId: b.deviceId,
      alg: key.alg,
      privateKey: await importDevicePrivateKey(key.privateJwk, key.alg),
    };

    const closed = new Promise<void>((resolve) => {
      b.on('status', (s) => {
        if (s.transport !== 'realtime') resolve();
      });
    });
    await a.auth.revokeDevices({ deviceIds: [b.deviceId] });
    await closed; // B's socket on instance 2 was closed by a revocation made on instance 1
    for (const serverUrl of [one.url, two.url]) {
      let saved: Session | null = session;
      const api = new ApiClient({
        serverUrl,
        identity,
        loadSession: async () => saved,
        saveSession: async (next) => {
          saved = next;
        },
      });
      await expect(api.call(ROUTES.listDevices)).rejects.toMatchObject({
        code: 'auth.device_revoked',
      });
    }
    b.stopSync();
  });
});

type JsonWebKey = import('@kakeibo/core').JsonWebKey;
