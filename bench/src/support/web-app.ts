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
