import type { SqlRunner, SqlValue } from './driver.js';

/**
 * SQL batching shared by the store's modules: multi-row INSERTs and padded `IN (…)` lookups, cut so
 * that a handful of statement texts (each prepared once and reused by the driver) serve every batch.
 */

/**
 * Rows per multi-row INSERT: 13 columns × 128 = 1,664 parameters, far below SQLite's 32,766. A batch
 * is cut into full chunks and then powers of two (a rest of 37 is 32 + 4 + 1).
 */
const INSERT_CHUNK = 128;
/** Keys per `IN (…)` lookup; a short chunk is padded to a power of two by repeating its last key. */
const LOOKUP_CHUNK = 256;

export const placeholders = (n: number): string => new Array(n).fill('?').join(', ');

/**
 * `INSERT … VALUES (…), (…)` in chunks (see INSERT_CHUNK), in the order given. The chunks are sent
 * without waiting for each other (a unit's statements run in the order they were sent), so a driver
 * whose database is on another thread writes one while the next is prepared; the first failure fails
 * the call, and the transaction around it rolls back all of them.
 */
export async function insertMany(
  db: SqlRunner,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly SqlValue[])[],
  suffix = '',
): Promise<void> {
  const tuple = `(${placeholders(columns.length)})`;
  const head = `INSERT INTO ${table} (${columns.join(', ')}) VALUES `;
  const sent: Promise<unknown>[] = [];
  let start = 0;
  for (const size of chunkSizes(rows.length, INSERT_CHUNK)) {
    const params: SqlValue[] = [];
    for (let i = start; i < start + size; i++)
      for (const value of rows[i] as readonly SqlValue[]) params.push(value);
    start += size;
    sent.push(db.run(head + new Array(size).fill(tuple).join(', ') + suffix, params));
  }
  await Promise.all(sent);
}

/** Full chunks of `max`, then the rest as descending powers of two: 300 by 128 → 128, 128, 32, 8, 4. */
export function chunkSizes(n: number, max: number): number[] {
  const sizes: number[] = [];
  let rest = n;
  while (rest >= max) {
    sizes.push(max);
    rest -= max;
  }
  for (let p = max >> 1; p >= 1; p >>= 1) {
    if (rest >= p) {
      sizes.push(p);
      rest -= p;
    }
  }
  return sizes;
}

/** Chunks of at most LOOKUP_CHUNK keys, each padded to a power of two by repeating its last key. */
export function lookupChunks(keys: readonly string[]): string[][] {
  const chunks: string[][] = [];
  for (let start = 0; start < keys.length; start += LOOKUP_CHUNK) {
    const chunk = keys.slice(start, start + LOOKUP_CHUNK);
    let size = 1;
    while (size < chunk.length) size <<= 1;
    const pad = chunk.at(-1) as string;
    while (chunk.length < size) chunk.push(pad);
    chunks.push(chunk);
  }
  return chunks;
}

/**
 * A promise started ahead of the transaction that awaits it: marked handled at once, so a failure
 * while the transaction still waits for its turn is not reported as unhandled (the transaction
 * awaits it, and fails with it, when it runs).
 */
export function early<T>(work: Promise<T>): Promise<T> {
  work.catch(() => {});
  return work;
}
