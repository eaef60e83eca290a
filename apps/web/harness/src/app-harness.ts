import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ServeProcess, startServeProcess } from '@kakeibo/cli';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { build } from 'vite';
import { CHROMIUM, CHROMIUM_ARGS } from './chromium.js';

/** The Playwright types a harness user handles, so that it needs no playwright-core import of its own. */
export type { Browser, BrowserContext, Page } from 'playwright-core';
export { browserSuiteRuns, CHROMIUM, hasChromium } from './chromium.js';

/**
 * The whole product as a person meets it: the app built by Vite from apps/web, served by a real
 * `kakeibo serve` process (its own SQLite data dir), opened in Debian's headless Chromium (never a
 * downloaded browser). Used by the end-to-end tests (apps/web/test, from this source) and the benchmarks
 * (bench/, as `@kakeibo/web/harness`, compiled by `tsc -b` into harness/dist).
 */
export const PASSWORD = 'correct horse battery staple 42';
/** A phone: the size the app is designed for first. */
export const PHONE = { width: 390, height: 844 };

/** apps/web: two levels up from both this source (harness/src) and its build (harness/dist). */
const APP_DIR = fileURLToPath(new URL('../../', import.meta.url));

export interface AppHarness {
  url: string;
  server: ServeProcess;
  browser: Browser;
  /** A fresh browser profile (its own OPFS, IndexedDB and service worker): one device. */
  device(options?: {
    viewport?: { width: number; height: number };
    colorScheme?: 'light' | 'dark';
    /** How far this device's clock is off (ahead when positive): the page's Date is shifted by it. */
    clockOffsetMs?: number;
  }): Promise<{
    context: BrowserContext;
    page: Page;
  }>;
  close(): Promise<void>;
}

/**
 * Builds the app, starts the server and the browser. Whatever had started is stopped again (and the
 * temp dir removed) if a later step fails, so a failed start leaves no process or directory behind.
 */
export async function startApp(): Promise<AppHarness> {
  const root = mkdtempSync(join(tmpdir(), 'kakeibo-web-'));
  let server: ServeProcess | undefined;
  let browser: Browser | undefined;
  const stop = async () => {
    try {
      await browser?.close().catch(() => {});
      await server?.stop();
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  };
  try {
    const outDir = join(root, 'app');
    await build({
      root: APP_DIR,
      configFile: join(APP_DIR, 'vite.config.ts'),
      cacheDir: join(root, 'vite-cache'),
      logLevel: 'warn',
      build: { outDir, emptyOutDir: true },
    });
    server = await startServeProcess(['--data', join(root, 'server-data'), '--web-dir', outDir], {
      KAKEIBO_LOG_LEVEL: 'warn',
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS] });
  } catch (error) {
    await stop();
    throw error;
  }
  return harness(server, browser, stop);
}

function harness(server: ServeProcess, browser: Browser, stop: () => Promise<void>): AppHarness {
  const contexts: BrowserContext[] = [];
  return {
    url: server.url,
    server,
    browser,
    async device(options = {}) {
      const context = await browser.newContext({
        viewport: options.viewport ?? PHONE,
        locale: 'en-US',
        colorScheme: options.colorScheme ?? 'light',
        serviceWorkers: 'allow',
      });
      contexts.push(context);
      if (options.clockOffsetMs) await context.addInitScript(shiftClock, options.clockOffsetMs);
      const page = await context.newPage();
      page.on('pageerror', (error) => console.error('page error:', error));
      await page.goto(`${server.url}/`);
      return { context, page };
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => {});
      await stop();
    },
  };
}

/**
 * Runs in the page before its scripts: `Date.now()` and `new Date()` read a clock `offsetMs` off, as on
 * a device whose clock is set wrong (the store worker keeps the real one; it stamps nothing).
 */
function shiftClock(offsetMs: number): void {
  const RealDate = Date;
  const realNow = Date.now.bind(Date);
  class ShiftedDate extends RealDate {
    constructor(...args: ConstructorParameters<DateConstructor> | []) {
      if (args.length === 0) super(realNow() + offsetMs);
      else super(...(args as ConstructorParameters<DateConstructor>));
    }
    static override now(): number {
      return realNow() + offsetMs;
    }
  }
  globalThis.Date = ShiftedDate as DateConstructor;
}

/** Creates an account from the sign-in screen and waits for the home screen. */
export async function signUp(page: Page, email: string): Promise<void> {
  await page.getByRole('button', { name: 'New here? Create an account' }).click();
  await fillCredentials(page, email);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('heading', { name: 'Home', level: 1 }).waitFor();
}

export async function signIn(page: Page, email: string): Promise<void> {
  await fillCredentials(page, email);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Home', level: 1 }).waitFor();
}

async function fillCredentials(page: Page, email: string) {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
}

export async function go(page: Page, screen: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: screen }).click();
  await page.getByRole('heading', { name: screen, level: 1 }).waitFor();
}

/** Adds an expense (or, with `kind: 'income'`, an income) through the quick-add sheet. */
export async function addExpense(
  page: Page,
  entry: { amount: string; payee: string; category?: string; date?: string; kind?: 'expense' | 'income' },
) {
  await page.getByRole('button', { name: 'Add an entry' }).click();
  const sheet = page.getByRole('dialog', { name: 'New entry' });
  if (entry.kind === 'income') await sheet.getByText('Income', { exact: true }).click();
  await sheet.getByLabel('Amount').fill(entry.amount);
  await sheet.getByLabel(entry.kind === 'income' ? 'Source' : 'Payee').fill(entry.payee);
  if (entry.date) await sheet.getByLabel('Date').fill(entry.date);
  if (entry.category) await sheet.getByLabel('Category').selectOption({ label: entry.category });
  await sheet.getByRole('button', { name: 'Add' }).click();
  await sheet.waitFor({ state: 'hidden' });
}

/**
 * Creates `count` expenses through the page's SDK (`window.kakeibo.expenses.createMany`, one local
 * transaction per batch), timed per batch with the page's clock. Rows are 28 a day from 2016-01-01
 * (the end-to-end tests and bench/ share them): row i is "Payee i", so the newest day holds the highest numbers.
 */
export async function seedExpenses(page: Page, count: number, batch = 5_000): Promise<number[]> {
  return page.evaluate(
    async ({ count, batch }) => {
      const kb = (
        globalThis as unknown as {
          kakeibo: { expenses: { createMany(rows: unknown[]): Promise<unknown> } };
        }
      ).kakeibo;
      const batchMs: number[] = [];
      for (let start = 0; start < count; start += batch) {
        const rows = [];
        for (let i = start; i < Math.min(count, start + batch); i++) {
          const date = new Date(Date.UTC(2016, 0, 1) + Math.floor(i / 28) * 86_400_000)
            .toISOString()
            .slice(0, 10);
          rows.push({ amount: 100 + (i % 5000), currency: 'USD', date, payee: `Payee ${i}` });
        }
        const started = performance.now();
        await kb.expenses.createMany(rows);
        batchMs.push(performance.now() - started);
      }
      return batchMs;
    },
    { count, batch },
  );
}
