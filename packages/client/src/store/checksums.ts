import {
  addSums,
  BUCKETS_PER_TABLE,
  type BucketTotal,
  CHECKSUM_VERSION,
  type ChecksumBucket,
  hash64Hex,
  isEmptySum,
  KakeiboError,
  parseHash64Hex,
  StateChecksum,
} from '@kakeibo/core';
import type { StoreContext } from './context.js';
import type { SqlRunner, SqlValue } from './driver.js';
import { readMeta, writeMeta } from './meta.js';
import { META_KEYS } from './meta-keys.js';
import { forEachRowPage } from './rows.js';
import { insertMany } from './sql.js';
import type { EngineStore } from './types.js';

/**
 * The bucketed state checksum, kept incrementally with core's field hash exactly as core's
 * StateChecksum does: every write adds its delta to the buckets it touched, in its own transaction.
 */

const BUCKET_COLUMNS = ['tbl', 'bucket', 'hi', 'lo', 'fields'] as const;
const UPSERT_BUCKETS =
  ' ON CONFLICT (tbl, bucket) DO UPDATE SET hi = excluded.hi, lo = excluded.lo, fields = excluded.fields';

interface StoredBucket {
  tbl: string;
  bucket: number;
  hi: number;
  lo: number;
  fields: number;
}

export const checksumArea = (ctx: StoreContext): Pick<EngineStore, 'checksum' | 'recomputeChecksum'> => ({
  checksum: () => checksum(ctx),
  recomputeChecksum: () => recomputeChecksum(ctx),
});

async function checksum(ctx: StoreContext): Promise<ChecksumBucket[]> {
  const rows = await ctx.db.all<StoredBucket>(
    'SELECT tbl, bucket, hi, lo, fields FROM checksum_buckets ORDER BY tbl, bucket',
  );
  return rows.map((r) => ({
    table: r.tbl,
    bucket: Number(r.bucket),
    hash: hash64Hex({ hi: Number(r.hi), lo: Number(r.lo) }),
    fields: Number(r.fields),
  }));
}

/** Adds a write's delta to the stored buckets; a bucket that sums to zero is removed. */
export async function addToBuckets(db: SqlRunner, delta: readonly BucketTotal[]): Promise<void> {
  if (delta.length === 0) return;
  // At most 16 buckets per table: reading them all is one small statement.
  const stored = await db.all<StoredBucket>('SELECT tbl, bucket, hi, lo, fields FROM checksum_buckets');
  const current = new Map(
    stored.map((b) => [
      `${b.tbl}/${b.bucket}`,
      {
        table: b.tbl,
        bucket: Number(b.bucket),
        hi: Number(b.hi),
        lo: Number(b.lo),
        fields: Number(b.fields),
      },
    ]),
  );
  const upserts: SqlValue[][] = [];
  for (const change of delta) {
    const next = addSums(current.get(`${change.table}/${change.bucket}`), change);
    // Absent means empty, exactly as StateChecksum drops a bucket that sums to zero.
    if (isEmptySum(next)) {
      await db.run('DELETE FROM checksum_buckets WHERE tbl = ? AND bucket = ?', [next.table, next.bucket]);
    } else upserts.push([next.table, next.bucket, next.hi, next.lo, next.fields]);
  }
  await insertMany(db, 'checksum_buckets', BUCKET_COLUMNS, upserts, UPSERT_BUCKETS);
}

/** Replaces the stored sums of the buckets `sums` covers (all of them when `bucket` is not given). */
export async function storeSums(
  db: SqlRunner,
  sums: StateChecksum,
  only?: { table: string; bucket: number },
): Promise<void> {
  if (only) {
    await db.run('DELETE FROM checksum_buckets WHERE tbl = ? AND bucket = ?', [only.table, only.bucket]);
  } else await db.run('DELETE FROM checksum_buckets');
  await insertMany(
    db,
    'checksum_buckets',
    BUCKET_COLUMNS,
    sums.toBuckets().map((b) => {
      const { hi, lo } = parseHash64Hex(b.hash);
      return [b.table, b.bucket, hi, lo, b.fields];
    }),
  );
}

/** Every bucket summed anew from the stored rows, recorded as summed with this CHECKSUM_VERSION. */
export function recomputeChecksum(ctx: StoreContext): Promise<void> {
  return ctx.db.transaction(async (tx) => {
    const sums = new StateChecksum();
    await forEachRowPage(ctx, tx, (page) => {
      for (const { table, rowId, row } of page) {
        for (const [field, { value, stamp }] of Object.entries(row))
          sums.apply(table, rowId, field, stamp, value, 1);
      }
    });
    await storeSums(tx, sums);
    await writeMeta(ctx, tx, META_KEYS.checksumVersion, String(CHECKSUM_VERSION));
  });
}

/** True when the buckets were summed with another definition of core's field hash (absent: version 1). */
export async function checksumOutdated(ctx: StoreContext): Promise<boolean> {
  return (await readMeta(ctx, ctx.db, META_KEYS.checksumVersion)) !== String(CHECKSUM_VERSION);
}

export function assertBucket(bucket: number): void {
  if (!Number.isInteger(bucket) || bucket < 0 || bucket >= BUCKETS_PER_TABLE) {
    throw new KakeiboError(
      'store.bad_bucket',
      `A checksum bucket is 0 to ${BUCKETS_PER_TABLE - 1}, got ${bucket}.`,
    );
  }
}
