import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ServeProcess, startServe } from '../../cli/test/cli-process.js';
import { type Kakeibo, openKakeibo } from '../src/index.js';
import type { PageApi } from './browser/page/main.js';
import { serveWithProxy } from './browser/static-proxy.js';

/**
 * The SDK in a real browser: headless Chromium (Debian's, never a downloaded one) runs a page built
 * from src/browser with Vite; the store is SQLite WASM on OPFS in a Web Worker. The page and a Node
 * device share an account through a real `kakeibo serve` process, reached by the page through a
 * same-origin reverse proxy (the server sends no CORS headers).
 */
const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(
    `browser.test.ts skipped: ${CHROMIUM} is missing (CI must install Debian's chromium package).`,
  );
}

const PAGE_DIR = fileURLToPath(new URL('./browser/page/', import.meta.url));
const PASSWORD = 'correct horse battery staple 42';

describe.skipIf(!hasChromium)('the SDK in headless Chromium (SQLite WASM, OPFS, Web Worker)', () => {
  let root: string;
  let outDir: string;
  let server: ServeProcess;
  let origin: { url: string; close(): Promise<void> };
  const contexts: BrowserContext[] = [];
  const devices: Kakeibo[] = [];

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'kakeibo-browser-'));
    process.env.KAKEIBO_CLIENT_KEY_DIR = join(root, 'keys');
    outDir = join(root, 'page');
    await build({
      configFile: join(PAGE_DIR, 'vite.config.ts'),
      cacheDir: join(root, 'vite-cache'),
      build: { outDir, emptyOutDir: true },
    });
    server = await startServe(['--data', join(root, 'server-data')], { KAKEIBO_LOG_LEVEL: 'warn' });
    origin = await serveWithProxy(outDir, server.url);
  }, 120_000);

  afterEach(async () => {
    for (const context of contexts.splice(0)) await context.close().catch(() => {});
    for (const kb of devices.splice(0)) await kb.close().catch(() => {});
  });

  afterAll(async () => {
    await origin?.close();
    await server?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  /** A fresh browser with a fresh profile (on disk, so OPFS is real files) and the test page open. */
  async function openPage(): Promise<{ context: BrowserContext; page: Page }> {
    const context = await chromium.launchPersistentContext(mkdtempSync(join(root, 'profile-')), {
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    contexts.push(context);
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (error) => console.error('page error:', error));
    await page.goto(`${origin.url}/`);
    await page.waitForFunction(() => document.getElementById('state')?.textContent === 'ready');
    return { context, page };
  }

  async function nodeDevice(name: string): Promise<Kakeibo> {
    const kb = await openKakeibo({
      serverUrl: server.url,
      dataDir: join(root, `device-${name}`),
      deviceName: name,
    });
    devices.push(kb);
    return kb;
  }

  it('bundles the browser entry without any Node-only module', () => {
    const files = readdirSync(outDir, { recursive: true, encoding: 'utf8' });
    const js = files.filter((f) => f.endsWith('.js'));
    expect(js.length).toBeGreaterThanOrEqual(2); // the page and its store worker
    expect(files.some((f) => f.endsWith('.wasm'))).toBe(true);
    const code = js.map((f) => readFileSync(join(outDir, f), 'utf8')).join('\n');
    expect(code).toContain('installOpfsSAHPoolVfs');
    for (const forbidden of [
      '__vite-browser-external',
      'better-sqlite3',
      'AsyncLocalStorage',
      'openNodeDriver',
      'loadLocalKey',
      'from "node:',
      "from 'node:",
      'require("node:',
    ]) {
      expect(code, `the bundle contains ${forbidden}`).not.toContain(forbidden);
    }
  });

  it('runs SqlDriver calls in the store worker, isolating transactions like the Node driver', async () => {
    const { page } = await openPage();
    const checks = await call(page, 'driverChecks');
    expect(checks).toEqual({
      info: {
        vfs: 'opfs-sahpool',
        location: '.kakeibo/driver-checks',
        sqliteVersion: expect.stringMatching(/^3\.54\./),
      },
      // Operations made while a transaction was open waited for it: they neither saw its write nor
      // joined it (the independent write survived its rollback).
      failure: 'boom',
      seenDuring: null,
      written: 'written',
      uncommittedAfter: null,
      independentAfter: 'kept',
      keys: ['outer', 'values'],
      bigintRoundTrip: true,
      blob: [0, 1, 254, 255],
      sqlError: {
        name: 'SQLite3Error',
        message: expect.stringContaining('no such table: missing_table'),
        resultCode: 1,
      },
      changes: { changes: 2 },
      afterClose: 'store.closed',
    });
  });

  it('signs up in the page and syncs both ways with a Node device', async () => {
    const { page } = await openPage();
    const opened = await call(page, 'open', { deviceName: 'Chromium' });
    expect(opened.status.signedIn).toBe(false);
    expect(await call(page, 'keyStorage')).toEqual({ inVault: true, extractable: false, inStore: false });
    const email = `browser-${Date.now()}@example.com`;
    await call(page, 'signUp', email, PASSWORD);

    const food = await call(page, 'createCategory', 'Food');
    const created = await call(page, 'createExpenses', [
      { amount: 1250, currency: 'EUR', date: '2026-11-02', categoryId: food.id, payee: 'Bakery', note: '' },
      {
        amount: 480,
        currency: 'EUR',
        date: '2026-11-03',
        categoryId: food.id,
        payee: 'Market',
        note: 'apples',
      },
    ]);
    expect((await call(page, 'status')).pendingOps).toBe(3);

    // Concurrent store operations from the page: none may run inside another's transaction.
    const burst = await call(page, 'burst', 20, '2026-11-04');
    expect(burst).toEqual({ settled: 60, failures: [] });

    const first = await call(page, 'sync');
    expect(first).toMatchObject({ ok: true, value: { pushed: 23 } });
    expect((await call(page, 'status')).pendingOps).toBe(0);

    // The store is SQLite files in this origin's private file system (the sahpool VFS's directory).
    const opfs = await call(page, 'opfs');
    expect(opfs).toContainEqual(expect.objectContaining({ name: '.kakeibo', kind: 'directory' }));

    const laptop = await nodeDevice('laptop');
    await laptop.auth.signIn({ email, password: PASSWORD });
    await laptop.sync();
    const onLaptop = (await laptop.expenses.list({ limit: 1000 })).items;
    expect(onLaptop).toHaveLength(22);
    expect(await laptop.expenses.get(created[0]?.id as string)).toMatchObject({
      payee: 'Bakery',
      amount: 1250,
    });
    expect(await laptop.expenses.get(created[1]?.id as string)).toMatchObject({
      payee: 'Market',
      note: 'apples',
    });

    const fromNode = await laptop.expenses.create({
      amount: 900,
      currency: 'EUR',
      date: '2026-11-05',
      categoryId: food.id,
      payee: 'Cafe',
      note: 'from node',
    });
    await laptop.sync();

    expect(await call(page, 'sync')).toMatchObject({ ok: true, value: { pulled: expect.any(Number) } });
    expect(await call(page, 'getExpense', fromNode.id)).toMatchObject({
      payee: 'Cafe',
      amount: 900,
      note: 'from node',
    });
    expect(await call(page, 'expenses')).toHaveLength(23);
    expect((await call(page, 'sync')).ok).toBe(true);
  });

  it('works offline, keeps unsynced changes across a reload, then syncs them', async () => {
    const { context, page } = await openPage();
    const { deviceId } = await call(page, 'open', { deviceName: 'Chromium', dbName: 'offline-test' });
    const email = `offline-${Date.now()}@example.com`;
    await call(page, 'signUp', email, PASSWORD);
    const [rent] = await call(page, 'createExpenses', [
      { amount: 80_000, currency: 'JPY', date: '2026-11-01', payee: 'Rent', note: '' },
    ]);
    expect((await call(page, 'sync')).ok).toBe(true);

    // Offline: writes work locally and queue up; a sync fails with the network code.
    await context.setOffline(true);
    expect(await call(page, 'online')).toBe(false);
    await call(page, 'createExpenses', [
      { amount: 650, currency: 'JPY', date: '2026-11-02', payee: 'Ramen', note: 'offline' },
      { amount: 230, currency: 'JPY', date: '2026-11-02', payee: 'Tea', note: 'offline' },
    ]);
    await call(page, 'updateExpense', rent?.id as string, { amount: 82_000 });
    expect((await call(page, 'status')).pendingOps).toBe(3);
    const failed = await call(page, 'sync');
    expect(failed).toMatchObject({ ok: false, code: 'network.unreachable' });
    expect(await call(page, 'status')).toMatchObject({
      online: false,
      pendingOps: 3,
      lastError: { code: 'network.unreachable' },
    });

    // Back online (the online hook nudges background sync), but no sync before the reload.
    const nudgesBefore = await call(page, 'nudges');
    await context.setOffline(false);
    await page.waitForFunction(
      (n) => (globalThis as unknown as { kakeibo: PageApi }).kakeibo.nudges() > n,
      nudgesBefore,
    );

    // A reload (without closing the SDK first) and a fresh SDK on the same store.
    await page.reload();
    await page.waitForFunction(() => document.getElementById('state')?.textContent === 'ready');
    const reopened = await call(page, 'open', { deviceName: 'Chromium', dbName: 'offline-test' });
    expect(reopened.deviceId).toBe(deviceId);
    expect(reopened.status).toMatchObject({ signedIn: true, pendingOps: 3 });
    const local = await call(page, 'expenses');
    expect(local.map((e) => e.payee).sort()).toEqual(['Ramen', 'Rent', 'Tea']);
    expect(local.find((e) => e.payee === 'Rent')).toMatchObject({ amount: 82_000 });

    expect(await call(page, 'sync')).toMatchObject({ ok: true, value: { pushed: 3 } });
    expect((await call(page, 'status')).pendingOps).toBe(0);

    // A second SDK on the same store (another tab) gets a clear error, and the store is unharmed.
    const second = await call(page, 'openAgain', {
      deviceName: 'Tab 2',
      dbName: 'offline-test',
      lockWaitMs: 300,
    });
    expect(second).toMatchObject({ ok: false, code: 'store.locked' });
    expect(await call(page, 'expenses')).toHaveLength(3);

    const phone = await nodeDevice('phone');
    await phone.auth.signIn({ email, password: PASSWORD });
    await phone.sync();
    const seen = (await phone.expenses.list({ limit: 100 })).items;
    expect(seen.map((e) => e.payee).sort()).toEqual(['Ramen', 'Rent', 'Tea']);
    expect(seen.find((e) => e.payee === 'Rent')).toMatchObject({ amount: 82_000 });
    expect(seen.find((e) => e.payee === 'Ramen')).toMatchObject({ amount: 650, note: 'offline' });
  });
});

/** Calls `window.kakeibo[name](...args)` in the page and returns its (serialized) result. */
function call<K extends keyof PageApi>(
  page: Page,
  name: K,
  ...args: Parameters<PageApi[K]>
): Promise<Awaited<ReturnType<PageApi[K]>>> {
  return page.evaluate(
    ([method, params]) =>
      (globalThis as unknown as { kakeibo: Record<string, (...a: unknown[]) => unknown> }).kakeibo[method]?.(
        ...params,
      ),
    [name, args] as [string, unknown[]],
  ) as Promise<Awaited<ReturnType<PageApi[K]>>>;
}
