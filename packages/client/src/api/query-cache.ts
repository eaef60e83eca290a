import type { TableName } from '@kakeibo/core';
import type { Page } from '../store/types.js';

/**
 * Results of reads kept in memory, so scrolling back and forth and re-rendering a screen never
 * touches the database twice for the same page. Each entry names the tables it was read from; any
 * change to one of them (local or synced) drops it. Bounded (least recently used goes first).
 */
export class QueryCache {
  private readonly entries = new Map<string, { tables: readonly TableName[]; value: Promise<unknown> }>();
  /** Bumped on every invalidation, so a query that started before a change never caches stale rows. */
  private readonly generations = new Map<TableName, number>();

  constructor(private readonly maxEntries = 200) {}

  get<T>(from: TableName | readonly TableName[], key: string, load: () => Promise<T>): Promise<T> {
    const tables: readonly TableName[] = typeof from === 'string' ? [from] : from;
    const id = `${tables.join(',')}\u0000${key}`;
    const hit = this.entries.get(id);
    if (hit) {
      this.entries.delete(id);
      this.entries.set(id, hit);
      return hit.value as Promise<T>;
    }
    const generation = this.generation(tables);
    const value = load();
    this.entries.set(id, { tables, value });
    value.then(
      () => {
        if (this.generation(tables) !== generation) this.entries.delete(id);
      },
      () => this.entries.delete(id),
    );
    while (this.entries.size > this.maxEntries)
      this.entries.delete(this.entries.keys().next().value as string);
    return value;
  }

  invalidate(table: TableName): void {
    this.generations.set(table, (this.generations.get(table) ?? 0) + 1);
    for (const [id, entry] of this.entries) if (entry.tables.includes(table)) this.entries.delete(id);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Generations only grow, so their sum changes exactly when one of them does. */
  private generation(tables: readonly TableName[]): number {
    let sum = 0;
    for (const table of tables) sum += this.generations.get(table) ?? 0;
    return sum;
  }
}

/**
 * A list page through the cache, and the next page fetched ahead in the background, so scrolling on
 * finds it ready. `query` is the page's whole query (the cache key is built from it).
 */
export async function prefetchedPage<Q extends { cursor?: string }, T>(
  cache: QueryCache,
  from: TableName | readonly TableName[],
  query: Q,
  load: (query: Q) => Promise<Page<T>>,
): Promise<Page<T>> {
  const cached = (q: Q) => cache.get(from, pageKey(q), () => load(q));
  const page = await cached(query);
  if (page.nextCursor) void cached({ ...query, cursor: page.nextCursor }).catch(() => {});
  return page;
}

/** The same key for the same query, whatever order its options were written in. */
const pageKey = (query: object): string =>
  JSON.stringify(Object.entries(query).sort(([a], [b]) => (a < b ? -1 : 1)));
