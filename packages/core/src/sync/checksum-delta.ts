import { bucketOf, rowFieldHasher } from './checksum.js';
import type { FieldChange, FieldState, RowState } from './merge.js';

export interface BucketTotal {
  table: string;
  bucket: number;
  hi: number;
  lo: number;
  fields: number;
}

/**
 * What one write transaction does to the checksum buckets: for each field change, minus the hash of
 * the value it replaced and plus the hash of the new one, lane-wise modulo 2^32, fields ±1. The
 * same arithmetic as core's StateChecksum.apply, on core's fieldHash and bucketOf, so the stored
 * buckets always equal what a MemoryReplica fed the same changes would hold.
 */
export class ChecksumDelta {
  private readonly sums = new Map<string, BucketTotal>();

  add(table: string, rowId: string, changes: readonly FieldChange[]): void {
    if (changes.length === 0) return;
    const sum = this.sumOf(table, rowId);
    const fieldHash = rowFieldHasher(table, rowId);
    for (const { field, before, after } of changes) {
      if (before) {
        const h = fieldHash(field, before.stamp, before.value);
        sum.hi = (sum.hi - h.hi) >>> 0;
        sum.lo = (sum.lo - h.lo) >>> 0;
        sum.fields -= 1;
      }
      const h = fieldHash(field, after.stamp, after.value);
      sum.hi = (sum.hi + h.hi) >>> 0;
      sum.lo = (sum.lo + h.lo) >>> 0;
      sum.fields += 1;
    }
  }

  /**
   * A row the replica did not have, stored whole: every field added. The same sums as `add` with a
   * change per field and no `before`, without building those changes (a bootstrap adds every row so).
   */
  addRow(table: string, rowId: string, row: RowState): void {
    const sum = this.sumOf(table, rowId);
    const fieldHash = rowFieldHasher(table, rowId);
    for (const field in row) {
      const { value, stamp } = row[field] as FieldState;
      const h = fieldHash(field, stamp, value);
      sum.hi = (sum.hi + h.hi) >>> 0;
      sum.lo = (sum.lo + h.lo) >>> 0;
      sum.fields += 1;
    }
  }

  /** Buckets with a non-zero change (a change and its undo within one transaction cancel out). */
  buckets(): BucketTotal[] {
    return [...this.sums.values()].filter((s) => s.hi !== 0 || s.lo !== 0 || s.fields !== 0);
  }

  private sumOf(table: string, rowId: string): BucketTotal {
    const bucket = bucketOf(rowId);
    const key = `${table}/${bucket}`;
    let sum = this.sums.get(key);
    if (!sum) {
      sum = { table, bucket, hi: 0, lo: 0, fields: 0 };
      this.sums.set(key, sum);
    }
    return sum;
  }
}

/** Adds a delta to a stored sum; the result is empty (to be deleted) when all three are zero. */
export function addSums(stored: BucketTotal | undefined, delta: BucketTotal): BucketTotal {
  return {
    table: delta.table,
    bucket: delta.bucket,
    hi: ((stored?.hi ?? 0) + delta.hi) >>> 0,
    lo: ((stored?.lo ?? 0) + delta.lo) >>> 0,
    fields: (stored?.fields ?? 0) + delta.fields,
  };
}

export const isEmptySum = (s: BucketTotal): boolean => s.hi === 0 && s.lo === 0 && s.fields === 0;
