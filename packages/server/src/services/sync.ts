import {
  assertWithinDrift,
  type BucketRowsPage,
  type BucketRowsRequest,
  type ChecksumResponse,
  type ConflictsPage,
  combineBuckets,
  isKakeiboError,
  isTableName,
  KakeiboError,
  type Op,
  type OpAck,
  type PullPage,
  type PushResponse,
  parseOp,
  type SnapshotPage,
  StoredRowIdSchema,
  stampWallMs,
} from '@kakeibo/core';
import type { AuthContext } from './auth-context.js';
import type { ServerDeps } from './context.js';

/**
 * The sync service: validates every pushed op on its own (one bad op is rejected with its reason and
 * never blocks the others), stores the accepted ones in one transaction, and serves the log, snapshots
 * and checksums in bounded pages.
 */
export async function push(
  deps: ServerDeps,
  auth: AuthContext,
  rawOps: readonly unknown[],
): Promise<PushResponse> {
  const acks: Array<OpAck | null> = [];
  const accepted: Op[] = [];
  const acceptedAt: number[] = [];
  const now = deps.now();
  for (const raw of rawOps) {
    try {
      const op = parseOp(raw);
      if (op.deviceId !== auth.deviceId) {
        throw new KakeiboError('op.not_yours', 'An op may only be pushed by the device that wrote it.', {
          opId: op.id,
        });
      }
      assertWithinDrift(stampWallMs(op.stamp), now);
      acceptedAt.push(acks.length);
      acks.push(null);
      accepted.push(op);
    } catch (error) {
      if (!isKakeiboError(error)) throw error;
      const opId = String((raw as { id?: unknown }).id);
      acks.push({ opId, status: 'rejected', error: { code: error.code, message: error.message } });
    }
  }
  const outcome = accepted.length
    ? await deps.storage.appendOps(auth.ledgerId, accepted)
    : { results: [], conflicts: [], head: await deps.storage.head(auth.ledgerId) };
  outcome.results.forEach((result, i) => {
    acks[acceptedAt[i] as number] = result;
  });
  if (outcome.results.some((r) => r.status === 'applied')) {
    // Best effort: a lost notice only delays other devices until their next pull.
    await deps.notifier
      .publish({ kind: 'ledger', ledgerId: auth.ledgerId, head: outcome.head })
      .catch(() => {});
  }
  return { acks: acks as OpAck[], conflicts: outcome.conflicts, head: outcome.head };
}

/** The server cannot serve a position beyond its log (for example after a restore): start over from a snapshot. */
async function assertCursorKnown(deps: ServerDeps, ledgerId: string, cursor: number): Promise<number> {
  const head = await deps.storage.head(ledgerId);
  if (cursor > head) {
    throw new KakeiboError(
      'sync.reset_required',
      `The server's log ends at ${head}, before your position ${cursor} (it was restored or reset): fetch a fresh snapshot; your unsynced changes are kept and pushed again.`,
      { head },
    );
  }
  return head;
}

export async function pull(
  deps: ServerDeps,
  auth: AuthContext,
  after: number,
  limit: number,
): Promise<PullPage> {
  const head = await assertCursorKnown(deps, auth.ledgerId, after);
  const { ops, conflicts } = await deps.storage.readOps(auth.ledgerId, after, limit);
  const nextCursor = ops.length ? (ops[ops.length - 1]?.seq as number) : after;
  // The device's own ops are left out: it applied each one when it made it, so sending them back
  // only costs the wire and a merge that changes nothing (a device that pushed 100,000 ops would
  // pull all 100,000 again). The cursor still moves past them, and the conflicts they revealed are
  // still sent, so every device lists the same ones.
  const others = ops.filter(({ op }) => op.deviceId !== auth.deviceId);
  return { ops: others, conflicts, nextCursor, hasMore: nextCursor < head, head };
}

interface SnapshotCursor {
  table: string;
  rowId: string;
}

const encodeCursor = (c: SnapshotCursor) => Buffer.from(`${c.table}/${c.rowId}`).toString('base64url');

/** A cursor this server made: a known table and a row id, or `sync.bad_cursor` (never a query). */
function decodeCursor(cursor: string): SnapshotCursor {
  const [table, rowId, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('/');
  if (!table || !rowId || rest.length || !isTableName(table) || !StoredRowIdSchema.safeParse(rowId).success)
    throw new KakeiboError('sync.bad_cursor', 'The snapshot cursor is not valid.');
  return { table, rowId };
}

/**
 * Bootstrap: current rows (tombstones included), paged in (table, rowId) order. Rows may already hold
 * changes made after the watermark; that is harmless, because the device then pulls from the watermark
 * and the merge is idempotent.
 */
export async function snapshot(
  deps: ServerDeps,
  auth: AuthContext,
  request: { watermark?: number | undefined; cursor?: string | undefined; limit: number },
): Promise<SnapshotPage> {
  let watermark = request.watermark;
  if (watermark === undefined) watermark = await deps.storage.head(auth.ledgerId);
  else await assertCursorKnown(deps, auth.ledgerId, watermark);
  const after = request.cursor ? decodeCursor(request.cursor) : null;
  const { items: rows, last } = page(
    await deps.storage.readSnapshot(auth.ledgerId, after, request.limit + 1),
    request.limit,
  );
  const nextCursor = last ? encodeCursor({ table: last.table, rowId: last.rowId }) : null;
  return { watermark, rows, nextCursor };
}

export async function checksum(deps: ServerDeps, auth: AuthContext): Promise<ChecksumResponse> {
  const { seq, buckets } = await deps.storage.checksum(auth.ledgerId);
  return { seq, total: combineBuckets(buckets), buckets };
}

/** Repair: the rows of one checksum bucket, paged by row id. */
export async function bucketRows(
  deps: ServerDeps,
  auth: AuthContext,
  request: BucketRowsRequest,
): Promise<BucketRowsPage> {
  const found = await deps.storage.readBucketRows(
    auth.ledgerId,
    request.table,
    request.bucket,
    request.cursor ?? null,
    request.limit + 1,
  );
  const { items: rows, last } = page(found, request.limit);
  return { rows, nextCursor: last ? last.rowId : null };
}

export async function conflicts(
  deps: ServerDeps,
  auth: AuthContext,
  after: number,
  limit: number,
): Promise<ConflictsPage> {
  const { items, last } = page(await deps.storage.listConflicts(auth.ledgerId, after, limit + 1), limit);
  return { conflicts: items, nextCursor: items.at(-1)?.seq ?? after, hasMore: last !== undefined };
}

/**
 * Pages are read one item longer than asked: the extra item only says another page exists, so the
 * last page says so itself and nobody ends on an extra, empty request. `last` is set only then.
 */
function page<T>(found: readonly T[], limit: number): { items: T[]; last: T | undefined } {
  const items = found.slice(0, limit);
  return { items, last: found.length > limit ? items[items.length - 1] : undefined };
}
