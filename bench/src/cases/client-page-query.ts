import type { Page } from '@kakeibo/client';
import type { BenchCase } from '../case.js';
import { now } from '../case.js';
import { monthRange } from '../support/ledger.js';
import { bootstrappedDevice, latencyMetrics, openBootstrapped, sample } from '../support/sdk.js';
import { sdkPageCache, sdkStore } from '../support/sdk-internals.js';
import { seededRandom } from '../support/workload.js';

const PAGES = 200;
const LIMIT = 50;
const FILTERED = 200;

/**
 * The same statement the store's list runs (packages/client/src/store/reads.ts and listing.ts), prepared
 * once on a second raw connection: the floor for a page. Keep in step with the store.
 */
const RAW_PAGE = (filtered: boolean, cursor: boolean) =>
  `SELECT row_id, fields, sort_date FROM rows INDEXED BY rows_by_date WHERE tbl = 'expenses' AND deleted = 0${
    filtered ? ' AND sort_date >= ? AND sort_date <= ? AND category_id = ?' : ''
  }${cursor ? ' AND (sort_date, row_id) < (?, ?)' : ''} ORDER BY sort_date DESC, row_id DESC LIMIT ?`;

interface FilteredQuery {
  from: string;
  to: string;
  categoryId: string;
}

type Row = { id: string; date?: unknown; categoryId?: unknown };

/**
 * A page of 50 expenses, newest first, on the device client-bootstrap filled (100,000 rows). The SDK
 * caches pages and prefetches the next one, so successive cursors are NOT cache misses through
 * `kb.expenses.list`; this case therefore measures (1) the store-level query the SDK runs on a miss,
 * (2) `kb.expenses.list` right after dropping the SDK's page cache (a true first call, including the
 * prefetch it starts), (3) plain scrolling through `kb.expenses.list` as an app does.
 */
export const clientPageQuery: BenchCase = {
  name: 'client-page-query',
  summary:
    'Client SDK at 100,000 expenses: a page of 50 by date, newest first — 200 successive keyset pages (store query, and kb.expenses.list after dropping its page cache, and plain scrolling), plus 200 filtered first pages (one month + one category); raw prepared SELECT on the same SQLCipher file as baseline.',
  timeoutMs: 240_000,
  async run({ log }) {
    const device = await bootstrappedDevice(log);
    const random = seededRandom(23);
    const months = [...device.months.keys()].sort();
    const combos: FilteredQuery[] = [];
    for (const month of months)
      for (const category of device.categories)
        combos.push({ ...monthRange(month), categoryId: category.id });
    const filtered = sample(combos, FILTERED, random);

    const kb = await openBootstrapped(device);
    let firstPageMs: number;
    const storePage: number[] = [];
    const sdkMiss: number[] = [];
    const sdkScroll: number[] = [];
    const storeFiltered: number[] = [];
    const sdkFilteredMiss: number[] = [];
    const cursors: (string | undefined)[] = [undefined];
    const positions: [string, string][] = [];
    let filteredRows = 0;
    try {
      const store = sdkStore(kb);
      const cache = sdkPageCache(kb);

      // The very first page after opening the device: cold SDK cache and cold SQLite page cache.
      let started = now();
      const first = await kb.expenses.list({ limit: LIMIT });
      firstPageMs = now() - started;
      if (first.items.length !== LIMIT) throw new Error(`first page has ${first.items.length} items`);

      // (1) The store-level query, 200 successive pages (no SDK cache on this path).
      let previous: string | null = null;
      for (let i = 0; i < PAGES; i++) {
        const cursor = cursors[i];
        started = now();
        const page = (await store.list('expenses', { limit: LIMIT, ...(cursor && { cursor }) })) as Page<Row>;
        storePage.push(now() - started);
        if (page.items.length !== LIMIT || !page.nextCursor) throw new Error(`page ${i} is short`);
        for (const item of page.items) {
          const date = String(item.date);
          if (previous !== null && date > previous) throw new Error(`page ${i} is not newest first`);
          previous = date;
        }
        const last = page.items.at(-1) as Row;
        positions.push([String(last.date), last.id]);
        cursors.push(page.nextCursor);
      }

      // (2) kb.expenses.list, each call right after the SDK's page cache was dropped: a first call.
      for (let i = 0; i < PAGES; i++) {
        const cursor = cursors[i];
        cache.invalidate('expenses');
        started = now();
        const page = await kb.expenses.list({ limit: LIMIT, ...(cursor && { cursor }) });
        sdkMiss.push(now() - started);
        if (page.nextCursor !== cursors[i + 1]) throw new Error(`SDK page ${i} differs from the store's`);
      }

      // (3) Scrolling as an app does: each page was prefetched by the call before it.
      cache.invalidate('expenses');
      await kb.expenses.list({ limit: LIMIT });
      for (let i = 1; i <= PAGES; i++) {
        const cursor = cursors[i];
        started = now();
        await kb.expenses.list({ limit: LIMIT, ...(cursor && { cursor }) });
        sdkScroll.push(now() - started);
      }

      // Filtered first pages: one month and one category, 200 distinct combinations.
      for (const query of filtered) {
        started = now();
        const page = (await store.list('expenses', { ...query, limit: LIMIT })) as Page<Row>;
        storeFiltered.push(now() - started);
        filteredRows += page.items.length;
        for (const item of page.items) {
          const date = String(item.date);
          if (item.categoryId !== query.categoryId || date < query.from || date > query.to)
            throw new Error('a filtered page holds a row outside its filter');
        }
      }
      for (const query of filtered) {
        cache.invalidate('expenses');
        started = now();
        await kb.expenses.list({ ...query, limit: LIMIT });
        sdkFilteredMiss.push(now() - started);
      }
    } finally {
      await kb.close();
    }

    // Baseline: the same statements, prepared on a raw connection to the same encrypted file.
    const rawPage: number[] = [];
    const rawFiltered: number[] = [];
    const raw = device.dir.openRaw();
    try {
      const firstStatement = raw.prepare(RAW_PAGE(false, false));
      const nextStatement = raw.prepare(RAW_PAGE(false, true));
      const filteredStatement = raw.prepare(RAW_PAGE(true, false));
      for (let i = 0; i < PAGES; i++) {
        const position = positions[i - 1];
        const started = now();
        const rows = position ? nextStatement.all(...position, LIMIT + 1) : firstStatement.all(LIMIT + 1);
        rawPage.push(now() - started);
        if (rows.length !== LIMIT + 1) throw new Error(`raw page ${i} has ${rows.length} rows`);
      }
      for (const query of filtered) {
        const started = now();
        filteredStatement.all(query.from, query.to, query.categoryId, LIMIT + 1);
        rawFiltered.push(now() - started);
      }
    } finally {
      raw.close();
    }

    return {
      metrics: [
        ...latencyMetrics('page of 50 by date: store query (what a cache miss costs)', storePage, {
          max: 5,
          baseline: rawPage,
        }),
        ...latencyMetrics(
          'page of 50 by date: kb.expenses.list after cache drop (+ prefetch start)',
          sdkMiss,
          {
            max: 5,
          },
        ),
        ...latencyMetrics('page of 50 by date: kb.expenses.list scrolling (prefetched)', sdkScroll),
        ...latencyMetrics('month + category first page: store query', storeFiltered, {
          max: 5,
          baseline: rawFiltered,
        }),
        ...latencyMetrics('month + category first page: kb.expenses.list after cache drop', sdkFilteredMiss, {
          max: 5,
        }),
        { metric: 'first page after opening the device (cold caches)', value: firstPageMs, unit: 'ms' },
      ],
      notes: [
        `${PAGES} successive keyset pages of ${LIMIT} (the newest ${(PAGES * LIMIT).toLocaleString('en-US')} of 100,000 rows, each page a new cursor). The SDK's list() caches pages and prefetches the next one in the background, so walking successive cursors through it hits that cache: "store query" times the store's list (what every cache miss runs: one indexed SELECT plus decoding 50 rows), "after cache drop" times kb.expenses.list right after its QueryCache was invalidated (a true first call; the prefetch of the next page it starts runs before the caller resumes, so this is about two queries), "scrolling" is the plain successive walk (cache hit + the next prefetch).`,
        `Filtered: ${filtered.length} distinct (month, category) pairs of ${combos.length}, first page each (${(filteredRows / filtered.length).toFixed(1)} rows on average: a category's month often holds fewer than 50).`,
        'Baseline: the same SELECT text the store runs, prepared once on a second better-sqlite3-multiple-ciphers connection to the device database (same key), statement only (no row decoding); ratio = store ÷ raw.',
        "The SDK's private `store` and `cache` are reached by a checked cast (bench/src/support/sdk-internals.ts), read-only but for QueryCache.invalidate.",
      ],
    };
  },
};
