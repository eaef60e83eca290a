import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useCategories } from '../app/categories.js';
import { type FeedFilter, useEntryFeed } from '../app/entry-feed.js';
import { AddEntryButton } from '../components/AddEntryButton.js';
import { EntryRow } from '../components/EntryRow.js';
import { monthRange } from '../lib/dates.js';

/** Every row is exactly this tall, so the list never jumps as rows load or scroll into view. */
const ROW_HEIGHT = 64;

/**
 * Expenses and income in one windowed list: only the rows in view (plus a few) are in the DOM, and
 * pages load from the local store as the end comes near, so 100,000 entries scroll like 100.
 */
export function TransactionsScreen() {
  const categories = useCategories();
  const [month, setMonth] = useState('');
  const [categoryId, setCategoryId] = useState('');
  const [searchText, setSearchText] = useState('');
  const search = useDebounced(searchText.trim(), 200);
  const filter = useMemo<FeedFilter>(
    () => ({
      ...(month && monthRange(month)),
      ...(categoryId && { categoryId }),
      ...(search && { search }),
    }),
    [month, categoryId, search],
  );
  const feed = useEntryFeed(filter);
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: feed.items.length + (feed.done ? 0 : 1),
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const virtualItems = virtualizer.getVirtualItems();
  const lastIndex = virtualItems.at(-1)?.index ?? 0;
  const { items, done, loadMore } = feed;

  useEffect(() => {
    if (!done && lastIndex >= items.length - 20) void loadMore();
  }, [lastIndex, items.length, done, loadMore]);

  return (
    <div className="transactions">
      <search className="filters" aria-label="Filter transactions">
        <label className="field compact grow">
          <span>Search</span>
          <input
            type="search"
            placeholder="Payee, source or note"
            value={searchText}
            onChange={(e) => setSearchText(e.target.value)}
          />
        </label>
        <label className="field compact">
          <span>Month</span>
          <input type="month" value={month} onChange={(e) => setMonth(e.target.value)} />
        </label>
        <label className="field compact">
          <span>Category</span>
          <select value={categoryId} onChange={(e) => setCategoryId(e.target.value)}>
            <option value="">All</option>
            {categories.list.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
      </search>
      {feed.loaded && items.length === 0 && (
        <p className="muted empty">
          {month || categoryId || search ? 'Nothing matches.' : 'No entries yet.'}
        </p>
      )}
      <div ref={scroller} className="list-scroller" data-testid="transaction-list">
        <ul
          className="list-window"
          aria-label="Transactions"
          style={{ height: virtualizer.getTotalSize(), position: 'relative' }}
        >
          {virtualItems.map((row) => {
            const entry = items[row.index];
            return (
              <li
                key={entry?.id ?? 'loading'}
                className="list-row"
                style={{ height: ROW_HEIGHT, transform: `translateY(${row.start}px)` }}
              >
                {entry ? (
                  <EntryRow entry={entry} categories={categories.byId} />
                ) : (
                  <span className="muted loading-row">Loading…</span>
                )}
              </li>
            );
          })}
        </ul>
      </div>
      <AddEntryButton />
    </div>
  );
}

function useDebounced<T>(value: T, ms: number): T {
  const [current, setCurrent] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setCurrent(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return current;
}
