import type { TableName } from '@kakeibo/core';

/**
 * Pages of list queries kept in memory, so scrolling back and forth and re-rendering a screen never
 * touches the database twice for the same page. Any change to a table (local or synced) drops that
 * table's pages. Bounded (least recently used goes first).
 */
export class QueryCache {
  private readonly entries = new Map<string, { table: TableName; value: Promise<unknown> }>();
  /** Bumped on every invalidation, so a query that started before a change never caches stale rows. */
  private readonly generations = new Map<TableName, number>();

  constructor(private readonly maxEntries = 200) {}

  get<T>(table: TableName, key: string, load: () => Promise<T>): Promise<T> {
    const id = `${table}\u0000${key}`;
    const hit = this.entries.get(id);
    if (hit) {
      this.entries.delete(id);
      this.entries.set(id, hit);
      return hit.value as Promise<T>;
    }
    const generation = this.generations.get(table) ?? 0;
    const value = load();
    this.entries.set(id, { table, value });
    value.then(
      () => {
        if ((this.generations.get(table) ?? 0) !== generation) this.entries.delete(id);
      },
      () => this.entries.delete(id),
    );
    while (this.entries.size > this.maxEntries)
      this.entries.delete(this.entries.keys().next().value as string);
    return value;
  }

  invalidate(table: TableName): void {
    this.generations.set(table, (this.generations.get(table) ?? 0) + 1);
    for (const [id, entry] of this.entries) if (entry.table === table) this.entries.delete(id);
  }

  get size(): number {
    return this.entries.size;
  }
}
