import { bucketOf, type FieldChange, fieldHash } from '@kakeibo/core';

export interface BucketSum {
  table: string;
  bucket: number;
  hi: number;
  lo: number;
  fields: number;
}

/**
 * What one batch does to the checksum buckets: for each field change, minus the hash of the value
 * it replaced and plus the hash of the new one, lane-wise modulo 2^32, with the field count. The
 * same arithmetic as core's StateChecksum.apply, on core's fieldHash and bucketOf; kept per op rather
 * than per field because every field of an op falls in the same bucket.
 */
export class ChecksumDelta {
  private readonly sums = new Map<string, BucketSum>();

  add(table: string, rowId: string, changes: readonly FieldChange[]): void {
    if (changes.length === 0) return;
    const bucket = bucketOf(rowId);
    const key = `${table}/${bucket}`;
    let sum = this.sums.get(key);
    if (!sum) {
      sum = { table, bucket, hi: 0, lo: 0, fields: 0 };
      this.sums.set(key, sum);
    }
    for (const { field, before, after } of changes) {
      if (before) {
        const h = fieldHash(table, rowId, field, before.stamp, before.value);
        sum.hi = (sum.hi - h.hi) >>> 0;
        sum.lo = (sum.lo - h.lo) >>> 0;
        sum.fields -= 1;
      }
      const h = fieldHash(table, rowId, field, after.stamp, after.value);
      sum.hi = (sum.hi + h.hi) >>> 0;
      sum.lo = (sum.lo + h.lo) >>> 0;
      sum.fields += 1;
    }
  }

  /** Buckets the batch touched (a change and its undo within one batch leaves a zero delta). */
  buckets(): BucketSum[] {
    return [...this.sums.values()].filter((s) => s.hi !== 0 || s.lo !== 0 || s.fields !== 0);
  }
}
