import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { browserSuiteRuns, CHROMIUM, CHROMIUM_ARGS } from '../../../apps/web/harness/src/chromium.js';
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
const runs = browserSuiteRuns('browser.test.ts');

const PAGE_DIR = fileURLToPath(new URL('./browser/page/', import.meta.url));
const PASSWORD = 'correct horse battery staple 42';

describe.skipIf(!runs)('the SDK in headless Chromium (SQLite WASM, OPFS, Web Worker)', () => {
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
  async function openPage(
    profile = mkdtempSync(join(root, 'profile-')),
  ): Promise<{ context: BrowserContext; page: Page; profile: string }> {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      args: [...CHROMIUM_ARGS],
    });
    contexts.push(context);
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (error) => console.error('page error:', error));
    await page.goto(`${origin.url}/`);
    await page.waitForFunction(() => document.getElementById('state')?.textContent === 'ready');
    return { context, page, profile };
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

  it('seals the user data in the OPFS files: a canary payee is in no file of the browser profile', async () => {
    const CANARY = `canary-payee-${Date.now()}`;
    const CONTROL = `control-plain-${Date.now()}`;
    const { context, page, profile } = await openPage();
    await call(page, 'open', { deviceName: 'Chromium', dbName: 'sealed' });
    expect(await call(page, 'storeKey', 'sealed')).toEqual({ algorithm: 'AES-GCM', extractable: false });
    await call(page, 'writePlain', 'control', CONTROL);
    await call(page, 'signUp', `sealed-${Date.now()}@example.com`, PASSWORD);
    const category = await call(page, 'createCategory', `${CANARY} category`);
    await call(page, 'createExpenses', [
      {
        amount: 700,
        currency: 'EUR',
        date: '2026-11-02',
        categoryId: category.id,
        payee: CANARY,
        note: CANARY,
      },
    ]);
    expect((await call(page, 'sync')).ok).toBe(true);
    // Unsynced too: an edit waiting in the outbox, and search still finds the sealed rows.
    await context.setOffline(true);
    const [waiting] = await call(page, 'createExpenses', [
      { amount: 50, currency: 'EUR', date: '2026-11-03', payee: `${CANARY} offline`, note: '' },
    ]);
    expect((await call(page, 'searchExpenses', CANARY.toUpperCase())).map((e) => e.payee).sort()).toEqual([
      CANARY,
      `${CANARY} offline`,
    ]);
    expect((await call(page, 'status')).pendingOps).toBe(1);
    await call(page, 'close');
    await context.close();

    // Every file of the profile, the store's OPFS files among them: the plain control is found there,
    // so the scan reads the store's bytes as SQLite wrote them; the canary is nowhere.
    const found = scanFiles(profile, [CANARY, CONTROL]);
    expect(found.get(CONTROL)?.length ?? 0).toBeGreaterThan(0);
    expect(found.get(CANARY) ?? []).toEqual([]);

    // The same profile again: the key in IndexedDB opens the data, the queued change is still there.
    const again = await openPage(profile);
    const reopened = await call(again.page, 'open', { deviceName: 'Chromium', dbName: 'sealed' });
    expect(reopened.status).toMatchObject({ signedIn: true, pendingOps: 1 });
    expect(await call(again.page, 'getExpense', waiting?.id as string)).toMatchObject({
      payee: `${CANARY} offline`,
    });
    expect((await call(again.page, 'sync')).ok).toBe(true);

    // The keys cleared while the files stay: opening says why, and a reset starts over from the server.
    await call(again.page, 'close');
    await call(again.page, 'forgetKeys');
    expect(await call(again.page, 'tryOpen', { deviceName: 'Chromium', dbName: 'sealed' })).toMatchObject({
      ok: false,
      code: 'store.key_missing',
    });
    const reset = await call(again.page, 'tryOpen', {
      deviceName: 'Chromium',
      dbName: 'sealed',
      resetUnreadable: true,
    });
    expect(reset).toMatchObject({ ok: true, value: { status: { signedIn: false, pendingOps: 0 } } });
    expect(await call(again.page, 'expenses')).toEqual([]);
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

/** For each needle, the files under `dir` whose bytes contain it (UTF-8). */
function scanFiles(dir: string, needles: readonly string[]): Map<string, string[]> {
  const found = new Map<string, string[]>(needles.map((n) => [n, []]));
  const patterns = needles.map((n) => [n, Buffer.from(n, 'utf8')] as const);
  for (const name of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const path = join(dir, name);
    let bytes: Buffer;
    try {
      if (!statSync(path).isFile()) continue;
      bytes = readFileSync(path);
    } catch {
      continue; // a lock or socket file the browser left
    }
    for (const [needle, pattern] of patterns) if (bytes.includes(pattern)) found.get(needle)?.push(name);
  }
  return found;
}

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
