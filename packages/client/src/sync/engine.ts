import {
  type DecodedBucketRowsPage,
  diffBuckets,
  type HybridClock,
  KakeiboError,
  LIMITS,
  parseBucketRowsPage,
  parseOp,
  parseSnapshotPage,
  ROUTES,
  type SnapshotRow,
  type TableName,
} from '@kakeibo/core';
import { META_KEYS } from '../store/meta-keys.js';
import type { EngineStore } from '../store/types.js';
import type { ApiClient } from '../transport/api-client.js';
import { pushOutbox } from './push.js';

export interface SyncResult {
  pushed: number;
  pulled: number;
  /** True when the local state was checked against the server's checksum (and repaired if needed). */
  verified: boolean;
  /** Buckets that differed and were repaired in this round. */
  repaired: number;
}

const PULL_PAGE = LIMITS.maxPullOps;
const SNAPSHOT_PAGE = LIMITS.maxSnapshotRows;

export interface EngineHooks {
  /** Rows changed by remote data, for change events. */
  changed(changes: Map<TableName, string[]>): void;
}

/**
 * One sync round: bootstrap if the device has never synced, push the outbox in bounded batches, pull
 * in pages, then verify the state against the server's checksum and repair differing buckets. Each
 * step is idempotent, so a round cut off anywhere (crash, lost connection, duplicated response) is
 * simply run again: ops leave the outbox only after the server acknowledged them, and a page is stored
 * together with the cursor that follows it.
 */
export class SyncEngine {
  constructor(
    private readonly store: EngineStore,
    private readonly api: ApiClient,
    private readonly clock: HybridClock,
    private readonly hooks: EngineHooks,
    private readonly now: () => number = Date.now,
  ) {}

  async round(): Promise<SyncResult> {
    let cursor = await this.cursor();
    if (cursor === null) cursor = await this.bootstrap();
    // A push that fails (a change refused as a whole, a server error) must not keep this device from
    // receiving: the pull runs all the same, and the round then reports the push's failure.
    let pushed = 0;
    let pushFailure: KakeiboError | null = null;
    try {
      pushed = await this.push();
    } catch (error) {
      if (!canPullAfter(error)) throw error;
      pushFailure = error;
    }
    let pulled = 0;
    try {
      pulled = await this.pull(cursor);
    } catch (error) {
      if (!(error instanceof KakeiboError && error.code === 'sync.reset_required')) throw error;
      // The server no longer has what we had (restored from a backup): start again from a snapshot,
      // keeping the outbox, which is pushed again (ops are idempotent by id).
      await this.store.setMeta(META_KEYS.cursor, null);
      await this.bootstrap();
      await this.push();
      pulled = await this.pull(Number(await this.store.getMeta(META_KEYS.cursor)));
    }
    await this.catchUpConflicts();
    if (pushFailure) throw pushFailure;
    const { verified, repaired } = await this.verify();
    await this.store.setMeta(META_KEYS.lastSyncedAt, new Date(this.now()).toISOString());
    return { pushed, pulled, verified, repaired };
  }

  private async cursor(): Promise<number | null> {
    const value = await this.store.getMeta(META_KEYS.cursor);
    return value === null ? null : Number(value);
  }

  /**
   * A new device: current rows at a watermark, page by page, then pull from the watermark. Every page
   * is checked (parseSnapshotPage: the envelope, then each packed row against the entity schemas)
   * before any of it reaches the store.
   */
  private async bootstrap(): Promise<number> {
    const startPage = (position: { watermark?: number; cursor?: string }) => {
      const call = this.api.start(ROUTES.snapshot, {
        query: { ...position, limit: SNAPSHOT_PAGE },
        read: parseSnapshotPage,
      });
      return { sent: call.sent, page: call.reply };
    };
    let page = await startPage({}).page;
    const watermark = page.watermark;
    await this.store.bulkLoad(async (loader) => {
      for (;;) {
        // Ask for the next page before applying this one, and wait until the request is out: the
        // server works on it while the device writes.
        const next = page.nextCursor ? startPage({ watermark, cursor: page.nextCursor }) : null;
        next?.page.catch(() => {}); // awaited below; a failure must not count as unhandled meanwhile
        await next?.sent;
        if (page.newest) this.clock.receive(page.newest);
        this.hooks.changed(await loader.applyRows(page.rows));
        if (!next) break;
        page = await next.page;
      }
    });
    await this.store.setMeta(META_KEYS.cursor, String(watermark));
    return watermark;
  }

  private push(): Promise<number> {
    return pushOutbox(this.store, this.api, this.now);
  }

  private async pull(from: number): Promise<number> {
    let cursor = from;
    let pulled = 0;
    for (;;) {
      const page = await this.api.call(ROUTES.pull, { query: { after: cursor, limit: PULL_PAGE } });
      // The same validation as the server's: nothing unchecked reaches the local store.
      const ops = page.ops.map(({ seq, op }) => ({ seq, op: parseOp(op) }));
      this.observeNewest(ops.map(({ op }) => op.stamp));
      this.hooks.changed(await this.store.applyPulled(ops, page.conflicts, page.nextCursor));
      pulled += page.ops.length;
      cursor = page.nextCursor;
      if (!page.hasMore) return pulled;
    }
  }

  /** Conflicts recorded before this device joined (or while it bootstrapped) arrive here once. */
  private async catchUpConflicts(): Promise<void> {
    let after = Number((await this.store.getMeta(META_KEYS.conflictCursor)) ?? 0);
    for (;;) {
      const page = await this.api.call(ROUTES.conflicts, { query: { after, limit: PULL_PAGE } });
      if (page.conflicts.length) {
        const cursor = Number(await this.store.getMeta(META_KEYS.cursor));
        await this.store.applyPulled([], page.conflicts, cursor);
      }
      after = page.nextCursor;
      await this.store.setMeta(META_KEYS.conflictCursor, String(after));
      if (!page.hasMore) return;
    }
  }

  /**
   * Compares the bucketed checksum with the server's. Only meaningful when both describe the same log
   * position and nothing local is unpushed; otherwise the round reports verified: false and the next
   * one checks. A mismatch fetches only the differing buckets and merges them (never a reset).
   */
  private async verify(): Promise<{ verified: boolean; repaired: number }> {
    if ((await this.store.outboxCount()) > 0) return { verified: false, repaired: 0 };
    const remote = await this.api.call(ROUTES.checksum);
    if (remote.seq !== (await this.cursor())) return { verified: false, repaired: 0 };
    const differing = diffBuckets(await this.store.checksum(), remote.buckets);
    if (differing.length === 0) return { verified: true, repaired: 0 };
    // The person may write while the server's rows are fetched: a bucket is then left as it is
    // (replaceBucket refuses while a change waits), and the next round, after pushing it, checks again.
    let repaired = 0;
    for (const { table, bucket } of differing) {
      if (!(await this.repairBucket(table as TableName, bucket))) break;
      repaired++;
    }
    if (repaired > 0) await this.store.recomputeChecksum();
    if (repaired < differing.length || (await this.store.outboxCount()) > 0) {
      return { verified: false, repaired };
    }
    const after = diffBuckets(await this.store.checksum(), remote.buckets);
    if (after.length) {
      throw new KakeiboError(
        'sync.verify_failed',
        `${after.length} part(s) of the ledger still differ from the server after repair; your local changes are kept and sync will retry.`,
      );
    }
    return { verified: true, repaired };
  }

  /** False when a local change waits, so the bucket was left as it is (see verify). */
  private async repairBucket(table: TableName, bucket: number): Promise<boolean> {
    const serverRows: SnapshotRow[] = [];
    let cursor: string | null = null;
    do {
      const page: DecodedBucketRowsPage = await this.api.call(ROUTES.bucketRows, {
        query: { table, bucket, limit: SNAPSHOT_PAGE, ...(cursor && { cursor }) },
        read: parseBucketRowsPage,
      });
      if (page.newest) this.clock.receive(page.newest);
      serverRows.push(...page.rows);
      cursor = page.nextCursor;
    } while (cursor);
    const changed = await this.store.replaceBucket(table, bucket, serverRows);
    if (changed) this.hooks.changed(changed);
    return changed !== null;
  }

  /**
   * Keep the clock after everything seen. Stamps order as strings, so following the newest of a page
   * is the same as following each one (and a 100,000-row snapshot has over a million of them). How
   * far this device's clock is from the server's is the transport's to measure (the Date of every
   * answer): a stamp relayed from another device says as much about that device's clock as ours.
   */
  private observeNewest(stamps: readonly string[]) {
    let newest: string | undefined;
    for (const stamp of stamps) if (newest === undefined || stamp > newest) newest = stamp;
    if (newest !== undefined) this.clock.receive(newest);
  }
}

/**
 * A push failure after which a pull is still worth trying: the server answered, just not with the
 * push accepted. Not when it could not be reached, or the session or protocol is the problem: the
 * pull would fail the same way.
 */
function canPullAfter(error: unknown): error is KakeiboError {
  return (
    error instanceof KakeiboError &&
    error.code !== 'network.unreachable' &&
    error.code !== 'protocol.unsupported' &&
    !error.code.startsWith('auth.')
  );
}
