import type { BrowserContext, Page } from '@kakeibo/web/harness';

/**
 * Measurements taken inside the page, on the page's own clock (performance.now(), whose zero is the
 * navigation's start, performance.timeOrigin), so that no Playwright round trip or polling interval
 * is part of a number. The functions handed to Playwright run in the browser: they are serialized,
 * so they use nothing from this module but their arguments, and see the DOM through the small
 * structural types below (the bench compiles without DOM typings).
 */

/** What the apps/web screens mark for tests: the windowed list and each row in it. */
export const LIST_SELECTOR = '[data-testid="transaction-list"]';
export const ENTRY_SELECTOR = '[data-testid="entry"]';
/** TransactionsScreen's fixed row height (px): the list's inner window is rows × this tall. */
export const ROW_HEIGHT = 64;

interface PageElement {
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): ArrayLike<PageElement>;
  readonly firstElementChild: PageElement | null;
  readonly textContent: string | null;
  readonly scrollHeight: number;
  readonly clientHeight: number;
  readonly style: { height: string };
  scrollTo(x: number, y: number): void;
}

interface PageObserver {
  observe(
    target: unknown,
    options: { childList?: boolean; subtree?: boolean; attributes?: boolean; attributeFilter?: string[] },
  ): void;
  disconnect(): void;
}

interface PageGlobals {
  document: PageElement;
  kakeibo?: { status(): { pendingOps: number } };
  MutationObserver: new (callback: () => void) => PageObserver;
  requestAnimationFrame(callback: () => void): number;
  __firstRender?: FirstRenderMarks;
}

/** Page-clock times (ms since navigation start) of one load, recorded as they happen. */
export interface FirstRenderMarks {
  /** main.tsx assigned `window.kakeibo`: the SDK is open (store worker, SQLite WASM, OPFS, migrations). */
  sdkOpenMs: number | null;
  /** The first transaction row was inserted into the DOM (React's commit of the first page). */
  firstEntryMs: number | null;
}

/**
 * From now on, every document this context loads records its FirstRenderMarks before any of the
 * app's scripts run. A MutationObserver (not `waitForSelector`, which polls from outside) notes the
 * first row in the microtask after React commits it; the `window.kakeibo` setter notes when the SDK
 * is ready, which splits a load into "open the store" and "query and render the first page".
 */
export async function installFirstRenderProbe(context: BrowserContext): Promise<void> {
  await context.addInitScript((entrySelector: string) => {
    const page = globalThis as unknown as PageGlobals;
    const marks: FirstRenderMarks = { sdkOpenMs: null, firstEntryMs: null };
    page.__firstRender = marks;
    Object.defineProperty(page, 'kakeibo', {
      configurable: true,
      get: () => undefined,
      set(kb: unknown) {
        marks.sdkOpenMs = performance.now();
        Object.defineProperty(page, 'kakeibo', {
          value: kb,
          writable: true,
          configurable: true,
          enumerable: true,
        });
      },
    });
    const observer = new page.MutationObserver(() => {
      if (!page.document.querySelector(entrySelector)) return;
      marks.firstEntryMs = performance.now();
      observer.disconnect();
    });
    observer.observe(page.document, { childList: true, subtree: true });
  }, ENTRY_SELECTOR);
}

export interface FirstRender {
  sdkOpenMs: number;
  firstEntryMs: number;
  /** The text of the first row (to check it is the newest entry). */
  firstEntryText: string;
  entriesInDom: number;
  /** Local changes waiting to be uploaded, as the SDK reported them at the first row. */
  pendingOps: number;
}

/** Waits for the first row of the page's current document and reads its marks. */
export async function readFirstRender(page: Page, timeoutMs = 60_000): Promise<FirstRender> {
  await page.waitForFunction(
    () => (globalThis as unknown as PageGlobals).__firstRender?.firstEntryMs != null,
    null,
    { timeout: timeoutMs, polling: 50 },
  );
  return page.evaluate((entrySelector) => {
    const page = globalThis as unknown as PageGlobals;
    const marks = page.__firstRender as FirstRenderMarks;
    const entries = page.document.querySelectorAll(entrySelector);
    if (marks.sdkOpenMs === null || marks.firstEntryMs === null)
      throw new Error('first render marks missing');
    return {
      sdkOpenMs: marks.sdkOpenMs,
      firstEntryMs: marks.firstEntryMs,
      firstEntryText: entries[0]?.textContent ?? '',
      entriesInDom: entries.length,
      pendingOps: page.kakeibo?.status().pendingOps ?? Number.NaN,
    };
  }, ENTRY_SELECTOR);
}

export interface ScrollRun {
  /** For each page loaded: from scrolling to the end of the list to its new rows being in the DOM. */
  pageMs: number[];
  /** Rows the list holds at the end (its inner window's height ÷ row height, less the "Loading…" row). */
  loadedRows: number;
  /** The most `entry` elements the DOM held at any moment of the scroll. */
  maxEntriesInDom: number;
  /** The rows in the DOM at the end (to check the list really moved down the ledger). */
  entryTexts: string[];
}

/**
 * Scrolls the transaction list to its end again and again, as a flick would, until it holds
 * `targetRows`. Each step waits for the list's inner window to grow (the app sets its height to
 * rows × ROW_HEIGHT when a page arrives), then for one frame, so the virtualizer renders the new
 * window before the next flick. Every DOM change in the list recounts its rows, so the window's
 * largest size is caught even between steps.
 */
export async function scrollUntilLoaded(
  page: Page,
  targetRows: number,
  stepTimeoutMs = 30_000,
): Promise<ScrollRun> {
  return page.evaluate(
    async ({ listSelector, entrySelector, rowHeight, targetRows, stepTimeoutMs }) => {
      const page = globalThis as unknown as PageGlobals;
      const list = page.document.querySelector(listSelector);
      const inner = list?.firstElementChild;
      if (!list || !inner) throw new Error('no transaction list on the page');
      // Less one: while more rows remain, the last row of the window is the "Loading…" placeholder.
      const loadedRows = () => Math.round(Number.parseFloat(inner.style.height) / rowHeight) - 1;
      const entriesInDom = () => list.querySelectorAll(entrySelector).length;
      let maxEntriesInDom = entriesInDom();
      const counter = new page.MutationObserver(() => {
        maxEntriesInDom = Math.max(maxEntriesInDom, entriesInDom());
      });
      counter.observe(list, { childList: true, subtree: true });
      const pageMs: number[] = [];
      try {
        while (loadedRows() < targetRows) {
          const before = inner.style.height;
          const started = performance.now();
          const grown = new Promise<void>((resolve, reject) => {
            const watcher = new page.MutationObserver(() => {
              if (inner.style.height === before) return;
              watcher.disconnect();
              clearTimeout(timer);
              resolve();
            });
            watcher.observe(inner, { attributes: true, attributeFilter: ['style'] });
            const timer = setTimeout(() => {
              watcher.disconnect();
              reject(new Error(`no new rows within ${stepTimeoutMs} ms after ${loadedRows()} rows`));
            }, stepTimeoutMs);
          });
          list.scrollTo(0, list.scrollHeight);
          await grown;
          pageMs.push(performance.now() - started);
          await new Promise<void>((resolve) => page.requestAnimationFrame(() => resolve()));
        }
      } finally {
        counter.disconnect();
      }
      const entryTexts = Array.from(list.querySelectorAll(entrySelector), (e) => e.textContent ?? '');
      return { pageMs, loadedRows: loadedRows(), maxEntriesInDom, entryTexts };
    },
    {
      listSelector: LIST_SELECTOR,
      entrySelector: ENTRY_SELECTOR,
      rowHeight: ROW_HEIGHT,
      targetRows,
      stepTimeoutMs,
    },
  );
}

/** The number in a row's "Payee 12345" (NaN when the row has none). */
export function payeeNumber(text: string): number {
  return Number(/Payee (\d+)/.exec(text)?.[1]);
}
