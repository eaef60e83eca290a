import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, MemoryNotifier, openSqliteStorage, type ServerEvent, type Storage } from '@kakeibo/server';
import { afterAll, describe, expect, it } from 'vitest';
import { type Kakeibo, openKakeibo } from '../src/index.js';

/** An in-process notifier that can lose notices, like a dropped Redis message. */
class LossyNotifier extends MemoryNotifier {
  dropping = false;
  override async publish(event: ServerEvent): Promise<void> {
    if (this.dropping && event.kind === 'ledger') return;
    return super.publish(event);
  }
}

describe('realtime faults', () => {
  const root = mkdtempSync(join(tmpdir(), 'kakeibo-rt-faults-'));
  process.env.KAKEIBO_CLIENT_KEY_DIR = join(root, 'keys');
  const opened: Kakeibo[] = [];
  afterAll(async () => {
    for (const kb of opened) await kb.close().catch(() => {});
    rmSync(root, { recursive: true, force: true });
  });

  it('catches up after a lost notice, a restarted server and a cut connection, losing nothing', async () => {
    const masterKey = randomBytes(32);
    const storage: Storage = await openSqliteStorage({ file: join(root, 'server.db'), key: randomBytes(32) });
    const notifier = new LossyNotifier();
    const start = async (port: number) => {
      const app = await buildApp({ storage, masterKey, notifier });
      await app.listen({ port, host: '127.0.0.1' });
      return app;
    };
    let app = await start(0);
    const port = (app.server.address() as { port: number }).port;
    const url = `http://127.0.0.1:${port}`;
    const device = async (name: string) => {
      // B polls once an hour: everything it learns quickly came over its socket.
      const kb = await openKakeibo({
        serverUrl: url,
        dataDir: join(root, name),
        deviceName: name,
        syncIntervalMs: 60 * 60_000,
      });
      opened.push(kb);
      return kb;
    };
    const email = `faults.${Date.now()}@example.com`;
    const a = await device('a');
    await a.auth.signUp({ email, password: 'correct horse battery staple' });
    const b = await device('b');
    await b.auth.signIn({ email, password: 'correct horse battery staple' });
    await b.sync();
    const transport = (want: 'realtime' | 'polling') =>
      new Promise<void>((resolve) => {
        if (b.status().transport === want) return resolve();
        const off = b.on('status', (s) => {
          if (s.transport === want) {
            off();
            resolve();
          }
        });
      });
    const arrives = (payee: string) =>
      new Promise<void>((resolve) => {
        const check = async () => {
          const page = await b.expenses.list({ search: payee });
          if (page.items.length) {
            off();
            resolve();
          }
        };
        const off = b.on('change', () => void check());
        void check();
      });
    b.startSync();
    await transport('realtime');

    // 1. A notice is lost: the change waits, and arrives with the next notice, nothing missing.
    notifier.dropping = true;
    await a.expenses.create({ amount: 1, currency: 'EUR', date: '2026-11-01', payee: 'lost-notice' });
    await a.sync();
    notifier.dropping = false;
    await a.expenses.create({ amount: 2, currency: 'EUR', date: '2026-11-02', payee: 'next-notice' });
    await a.sync();
    await arrives('next-notice');
    expect((await b.expenses.list({ search: 'lost-notice' })).items).toHaveLength(1);

    // 2. The server restarts: the socket closes (1001), B reconnects with backoff and is told the head.
    await app.close();
    await transport('polling');
    app = await start(port);
    await transport('realtime');
    await a.expenses.create({ amount: 3, currency: 'EUR', date: '2026-11-03', payee: 'after-restart' });
    await a.sync();
    await arrives('after-restart');

    // 3. The connection is cut without a close frame: B notices, reconnects, and hears the next change.
    for (const client of (app as unknown as { websocketServer: { clients: Set<{ terminate(): void }> } })
      .websocketServer.clients) {
      client.terminate();
    }
    await transport('polling');
    await transport('realtime');
    await a.expenses.create({ amount: 4, currency: 'EUR', date: '2026-11-04', payee: 'after-cut' });
    await a.sync();
    await arrives('after-cut');

    const onA = (await a.expenses.list({ limit: 100 })).items.map((x) => x.payee).sort();
    const onB = (await b.expenses.list({ limit: 100 })).items.map((x) => x.payee).sort();
    expect(onB).toEqual(onA);
    expect(onB).toHaveLength(4);
    b.stopSync();
    await b.close();
    await a.close();
    await app.close();
    await storage.close();
  });
});
