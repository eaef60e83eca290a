import {
  type AppHarness,
  type BrowserContext,
  hasChromium,
  type Page,
  signUp,
  startApp,
} from '@kakeibo/web/harness';
import { registerCleanup, SkipCase } from '../case.js';

/**
 * The web app benchmarks' fixture: the end-to-end harness of apps/web (the app built by Vite with its
 * own config, a real `kakeibo serve`, Debian's headless Chromium at phone size), started so that it is
 * torn down even when the case fails or is abandoned by the runner's timeout.
 */

export interface WebApp {
  app: AppHarness;
  /** Closes every browser context, the browser and the server, and removes the temp dir (once). */
  close(): Promise<void>;
}

export async function startWebApp(log: (line: string) => void): Promise<WebApp> {
  if (!hasChromium) {
    throw new SkipCase('/usr/bin/chromium is missing (install Debian chromium: apt-get install chromium)');
  }
  // Registered before the start, so that a timeout during the ~30 s Vite build still tears down
  // whatever the start leaves running once it finishes.
  let started: AppHarness | undefined;
  let abandoned = false;
  const close = registerCleanup(async () => {
    abandoned = true;
    await started?.close();
  });
  log('  building the app with Vite, starting kakeibo serve and Chromium…');
  try {
    started = await startApp();
  } catch (error) {
    await close();
    throw error;
  }
  if (abandoned) {
    await started.close();
    throw new Error('the case was abandoned while the app was starting');
  }
  return { app: started, close };
}

export interface OfflineDevice {
  context: BrowserContext;
  /** The page the account was created on (the app's home screen). */
  page: Page;
}

/**
 * A new browser profile with a new account, taken offline once its service worker has the app
 * cached: rows created from then on stay in this device's local store (nothing is uploaded while the
 * case measures the list), and later loads are served by the service worker, as an installed PWA's.
 */
export async function offlineDevice(app: AppHarness, email: string): Promise<OfflineDevice> {
  const { context, page } = await app.device();
  await signUp(page, email);
  await page.evaluate(async () => {
    const { navigator } = globalThis as unknown as {
      navigator: { serviceWorker: { ready: Promise<unknown> } };
    };
    await navigator.serviceWorker.ready;
  });
  await context.setOffline(true);
  return { context, page };
}

/**
 * Creates `count` expenses through the page's SDK (`window.kakeibo.expenses.createMany`, one local
 * transaction per batch), timed per batch with the page's clock. Rows are 28 a day from 2016-01-01
 * (as in apps/web/test/app.test.ts): row i is "Payee i", so the newest day holds the highest numbers.
 */
export async function seedExpenses(page: Page, count: number, batch: number): Promise<number[]> {
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

/**
 * Takes the device online in a new tab and waits until the app's background sync has uploaded every
 * local change (its outbox is empty), then offline again. Returns the page-clock time from that
 * tab's navigation start (so the app's start is included) to the empty outbox.
 */
export async function uploadOutbox(
  device: Pick<OfflineDevice, 'context'>,
  url: string,
  timeoutMs = 240_000,
): Promise<number> {
  await device.context.setOffline(false);
  const page = await device.context.newPage();
  try {
    await page.goto(url);
    await page.waitForFunction(
      () => 'kakeibo' in globalThis && (globalThis as { kakeibo?: unknown }).kakeibo,
    );
    return await page.evaluate(async (timeoutMs) => {
      interface Status {
        pendingOps: number;
        lastError: { message: string } | null;
      }
      const kb = (
        globalThis as unknown as {
          kakeibo: { status(): Status; on(name: 'status', listener: (s: Status) => void): () => void };
        }
      ).kakeibo;
      await new Promise<void>((resolve, reject) => {
        if (kb.status().pendingOps === 0) return resolve();
        const timer = setTimeout(() => {
          off();
          const { pendingOps, lastError } = kb.status();
          reject(
            new Error(`${pendingOps} changes still waiting after ${timeoutMs} ms (${lastError?.message})`),
          );
        }, timeoutMs);
        const off = kb.on('status', (status) => {
          if (status.pendingOps !== 0) return;
          off();
          clearTimeout(timer);
          resolve();
        });
      });
      return performance.now();
    }, timeoutMs);
  } finally {
    await page.close();
    await device.context.setOffline(true);
  }
}
