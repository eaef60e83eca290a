import { bucketOf, RowHasher } from './checksum.js';
import type { Hash64 } from './hash64.js';
import type { FieldChange, FieldState, RowState } from './merge.js';
import { type CheckedRow, PACKED_ENTRY, PACKED_FIRST_FIELD } from './row-codec.js';

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
    const hasher = new RowHasher(table, rowId);
    for (const { field, before, after } of changes) {
      if (before) {
        const h = hasher.hash(field, before.stamp, before.value);
        sum.hi = (sum.hi - h.hi) >>> 0;
        sum.lo = (sum.lo - h.lo) >>> 0;
        sum.fields -= 1;
      }
      addHash(sum, hasher.hash(field, after.stamp, after.value));
    }
  }

  /**
   * A row the replica did not have, stored whole: every field added. The same sums as `add` with a
   * change per field and no `before`, without building those changes (a bootstrap adds every row so).
   */
  addRow(table: string, rowId: string, row: RowState): void {
    const sum = this.sumOf(table, rowId);
    const hasher = new RowHasher(table, rowId);
    for (const field in row) {
      const { value, stamp } = row[field] as FieldState;
      addHash(sum, hasher.hash(field, stamp, value));
    }
  }

  /** `addRow` for a row as checkPackedRow read it, straight from its flat form (no RowState built). */
  addChecked(table: string, rowId: string, { flat }: CheckedRow): void {
    const sum = this.sumOf(table, rowId);
    const hasher = new RowHasher(table, rowId);
    const stamps = flat[0] as readonly string[];
    for (let i = PACKED_FIRST_FIELD; i < flat.length; i += PACKED_ENTRY) {
      addHash(sum, hasher.hash(flat[i] as string, stamps[flat[i + 2] as number] as string, flat[i + 1]));
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

/** One more field in a bucket: its hash added lane-wise modulo 2^32. */
function addHash(sum: BucketTotal, h: Hash64): void {
  sum.hi = (sum.hi + h.hi) >>> 0;
  sum.lo = (sum.lo + h.lo) >>> 0;
  sum.fields += 1;
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
