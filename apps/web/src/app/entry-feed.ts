import type { Transaction } from '@kakeibo/client/browser';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useKakeibo } from './kakeibo.js';

export interface FeedFilter {
  from?: string;
  to?: string;
  categoryId?: string;
  search?: string;
}

const PAGE = 100;
/** After a change, at most this many rows are re-read at once (the rest load again on scroll). */
const REFRESH_MAX = 1000;

/**
 * Expenses and income, newest first, read from the local store a page at a time as the list scrolls
 * (keyset cursors: page 1,000 costs what page 1 does). A change to either table re-reads the rows
 * already on screen in one query, so edits, deletions and synced rows appear in place.
 */
export function useEntryFeed(filter: FeedFilter) {
  const kb = useKakeibo();
  const [items, setItems] = useState<Transaction[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [done, setDone] = useState(false);
  const cursor = useRef<string | null>(null);
  const busy = useRef(false);
  const generation = useRef(0);
  const count = useRef(0);
  const key = JSON.stringify(filter);

  const read = useCallback(
    async (limit: number, after: string | null) => {
      const parsed = JSON.parse(key) as FeedFilter;
      return kb.transactions.list({
        ...(parsed.from && { from: parsed.from }),
        ...(parsed.to && { to: parsed.to }),
        ...(parsed.categoryId && { categoryId: parsed.categoryId }),
        ...(parsed.search && { search: parsed.search }),
        limit,
        ...(after && { cursor: after }),
      });
    },
    [kb, key],
  );

  /**
   * A page from the top (a new generation: replaces what is shown) or after the last row shown. An
   * answer that arrives after a newer generation started is dropped.
   */
  const fetchPage = useCallback(
    async (limit: number, from: 'top' | 'more') => {
      const mine = from === 'top' ? ++generation.current : generation.current;
      busy.current = true;
      try {
        const page = await read(limit, from === 'top' ? null : cursor.current);
        if (mine !== generation.current) return;
        cursor.current = page.nextCursor;
        count.current = (from === 'top' ? 0 : count.current) + page.items.length;
        setItems((previous) => (from === 'top' ? page.items : [...previous, ...page.items]));
        setDone(page.nextCursor === null);
        setLoaded(true);
      } finally {
        if (mine === generation.current) busy.current = false;
      }
    },
    [read],
  );

  const loadMore = useCallback(async () => {
    if (!busy.current && cursor.current !== null) await fetchPage(PAGE, 'more');
  }, [fetchPage]);

  useEffect(() => {
    setLoaded(false);
    void fetchPage(PAGE, 'top');
  }, [fetchPage]);

  useEffect(
    () =>
      kb.on('change', ({ table }) => {
        if (table === 'expenses' || table === 'income')
          void fetchPage(Math.min(REFRESH_MAX, Math.max(PAGE, count.current)), 'top');
      }),
    [kb, fetchPage],
  );

  return { items, loaded, done, loadMore };
}
