import { z } from 'zod';
import type { Stamp } from '../clock/stamp.js';
import { canonicalJson } from './canonical.js';
import {
  absorbPart,
  HASH_SEED,
  type Hash64,
  type HashState,
  hash64,
  hash64Hex,
  hashFieldParts,
  parseHash64Hex,
} from './hash64.js';

/**
 * State checksum: the sum (lane-wise, modulo 2^32) of one hash per stored field, over
 * (table, row, stamp, field, value). Addition is commutative and invertible, so the checksum is
 * independent of the order changes arrived in and is updated in O(1) when one field changes:
 * subtract the old field's hash, add the new one. Two replicas agree exactly when they hold the same
 * fields with the same stamps and values (up to a 2^-64 collision chance).
 *
 * The state is split into buckets (table × last hex digit of the row id, 16 per table) so that a
 * mismatch points at a sixteenth of one table, and repair fetches only that.
 */
export const BUCKETS_PER_TABLE = 16;

/**
 * The definition of fieldHash that stored sums follow. Version 1 hashed the field before the stamp;
 * version 2 hashes the stamp first, so a row's fields that share a stamp (nearly all of them) hash
 * the row, the stamp and the separators once instead of once per field: a third of the work. A store
 * holding sums of another version recomputes them from its rows before using them.
 */
export const CHECKSUM_VERSION = 2;

export const bucketOf = (rowId: string): number => Number.parseInt(rowId.charAt(rowId.length - 1), 16);

export function fieldHash(table: string, rowId: string, field: string, stamp: Stamp, value: unknown): Hash64 {
  return hash64(`${table}\u0000${rowId}\u0000${stamp}\u0000${field}\u0000${canonicalJson(value)}`);
}

/**
 * fieldHash for the fields of one row, for the loops that hash every field of many rows
 * (ChecksumDelta): the (table, row) prefix is hashed once, part by part rather than joined into a new
 * string, and the stamp once for each run of fields that share it. Bit-identical to fieldHash (a test
 * pins that); a 100,000-row snapshot hashes over a million fields, so this is the checksum's hot path
 * (see hashFieldParts).
 */
export class RowHasher {
  private readonly prefix: HashState;
  private lastStamp: string | undefined;
  private stamped: HashState;

  constructor(table: string, rowId: string) {
    this.prefix = absorbPart(absorbPart(HASH_SEED, table), rowId);
    this.stamped = this.prefix;
  }

  hash(field: string, stamp: Stamp, value: unknown): Hash64 {
    if (stamp !== this.lastStamp) {
      this.stamped = absorbPart(this.prefix, stamp);
      this.lastStamp = stamp;
    }
    return hashFieldParts(this.stamped, field, value);
  }
}

export interface BucketSum {
  hi: number;
  lo: number;
  /** Number of fields in the bucket: not needed for equality, but it makes a mismatch legible. */
  fields: number;
}

export const ChecksumBucketSchema = z.strictObject({
  table: z.string().max(32),
  bucket: z
    .number()
    .int()
    .min(0)
    .max(BUCKETS_PER_TABLE - 1),
  hash: z.string().regex(/^[0-9a-f]{16}$/),
  fields: z.number().int().min(0),
});
export type ChecksumBucket = z.infer<typeof ChecksumBucketSchema>;

const key = (table: string, bucket: number) => `${table}/${bucket}`;

/** An incrementally maintained checksum of a whole replica. */
export class StateChecksum {
  private readonly buckets = new Map<string, BucketSum & { table: string; bucket: number }>();

  /** Account for a field stored (sign 1) or removed (sign -1). */
  apply(table: string, rowId: string, field: string, stamp: Stamp, value: unknown, sign: 1 | -1): void {
    const h = fieldHash(table, rowId, field, stamp, value);
    const bucket = bucketOf(rowId);
    const k = key(table, bucket);
    const sum = this.buckets.get(k) ?? { table, bucket, hi: 0, lo: 0, fields: 0 };
    sum.hi = (sum.hi + sign * h.hi) >>> 0;
    sum.lo = (sum.lo + sign * h.lo) >>> 0;
    sum.fields += sign;
    if (sum.fields === 0 && sum.hi === 0 && sum.lo === 0) this.buckets.delete(k);
    else this.buckets.set(k, sum);
  }

  /** Buckets in a stable order; empty buckets are omitted (absent means zero). */
  toBuckets(): ChecksumBucket[] {
    return [...this.buckets.values()]
      .sort((a, b) => (a.table === b.table ? a.bucket - b.bucket : a.table < b.table ? -1 : 1))
      .map(({ table, bucket, hi, lo, fields }) => ({ table, bucket, hash: hash64Hex({ hi, lo }), fields }));
  }

  /** One hash for the whole state: the lane-wise sum of every bucket. */
  total(): string {
    return combineBuckets(this.toBuckets());
  }
}

export function combineBuckets(buckets: readonly ChecksumBucket[]): string {
  let hi = 0;
  let lo = 0;
  for (const b of buckets) {
    const h = parseHash64Hex(b.hash);
    hi = (hi + h.hi) >>> 0;
    lo = (lo + h.lo) >>> 0;
  }
  return hash64Hex({ hi, lo });
}

/** The buckets whose hash differs between two replicas (absent on one side counts as empty). */
export function diffBuckets(
  mine: readonly ChecksumBucket[],
  theirs: readonly ChecksumBucket[],
): Array<{ table: string; bucket: number }> {
  const index = (list: readonly ChecksumBucket[]) => new Map(list.map((b) => [key(b.table, b.bucket), b]));
  const a = index(mine);
  const b = index(theirs);
  const out: Array<{ table: string; bucket: number }> = [];
  for (const k of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(k);
    const y = b.get(k);
    if (x?.hash !== y?.hash || x?.fields !== y?.fields) {
      const ref = (x ?? y) as ChecksumBucket;
      out.push({ table: ref.table, bucket: ref.bucket });
    }
  }
  return out.sort((p, q) => (p.table === q.table ? p.bucket - q.bucket : p.table < q.table ? -1 : 1));
}
