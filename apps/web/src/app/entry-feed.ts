import { useCallback, useEffect, useRef, useState } from 'react';
import type { Entry } from '../components/EntryRow.js';
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
  const [items, setItems] = useState<Entry[]>([]);
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

  const reload = useCallback(
    async (limit: number) => {
      const mine = ++generation.current;
      busy.current = true;
      try {
        const page = await read(limit, null);
        if (mine !== generation.current) return;
        cursor.current = page.nextCursor;
        count.current = page.items.length;
        setItems(page.items as Entry[]);
        setDone(page.nextCursor === null);
        setLoaded(true);
      } finally {
        if (mine === generation.current) busy.current = false;
      }
    },
    [read],
  );

  const loadMore = useCallback(async () => {
    if (busy.current || cursor.current === null) return;
    const mine = generation.current;
    busy.current = true;
    try {
      const page = await read(PAGE, cursor.current);
      if (mine !== generation.current) return;
      cursor.current = page.nextCursor;
      count.current += page.items.length;
      setItems((previous) => [...previous, ...(page.items as Entry[])]);
      setDone(page.nextCursor === null);
    } finally {
      if (mine === generation.current) busy.current = false;
    }
  }, [read]);

  useEffect(() => {
    setLoaded(false);
    void reload(PAGE);
  }, [reload]);

  useEffect(
    () =>
      kb.on('change', ({ table }) => {
        if (table === 'expenses' || table === 'income')
          void reload(Math.min(REFRESH_MAX, Math.max(PAGE, count.current)));
      }),
    [kb, reload],
  );

  return { items, loaded, done, loadMore };
}
