import { checksumArea, checksumOutdated, recomputeChecksum } from './checksums.js';
import { conflictsArea } from './conflicts.js';
import type { StoreContext } from './context.js';
import { DateIndex, ROWS_BY_DATE_INDEX } from './date-index.js';
import type { SqlDriver } from './driver.js';
import { localWritesArea } from './local-writes.js';
import { metaArea } from './meta.js';
import { runMigrations, STORE_TABLES } from './migrations.js';
import { outboxArea } from './outbox.js';
import { pullsArea } from './pulls.js';
import { readsArea } from './reads.js';
import { refusedArea } from './refused.js';
import { repairArea } from './repair.js';
import { reportsArea } from './reports.js';
import { needsSealing, sealInPlace } from './seal-in-place.js';
import { Sealing } from './sealing.js';
import { snapshotArea } from './snapshot.js';
import type { FacadeStore, FieldSealer, LocalStore } from './types.js';

export interface SqliteLocalStoreOptions {
  /**
   * Seals the user data before it reaches SQLite (see FieldSealer): for a database file that is not
   * encrypted itself (browsers). Without one (Node: the file is encrypted) values are stored as they are.
   */
  sealer?: FieldSealer;
}

/**
 * The local store on SQLite, for any SqlDriver (better-sqlite3 in Node, SQLite WASM in browsers),
 * composed of one module per job over a shared StoreContext: meta values, local writes, the outbox,
 * refused ops, pulled pages, snapshot rows and the bulk load, checksums, repair, reads, reports,
 * conflicts; sealing at rest is the context's (sealing.ts).
 *
 * Every change, local or remote, is merged with core's `mergeOp`, the function the server runs, so
 * device and server cannot disagree about what a set of ops means; the checksum buckets are kept
 * incrementally with core's field hash. Each write is one driver transaction, so no operation ever
 * sees or joins another's (the driver serialises: store/driver.ts).
 */
export function sqliteLocalStore(driver: SqlDriver, options: SqliteLocalStoreOptions = {}): LocalStore {
  const ctx: StoreContext = { db: driver, sealing: new Sealing(options.sealer), dateIndex: new DateIndex() };
  return {
    ...lifecycle(ctx),
    ...metaArea(ctx),
    ...localWritesArea(ctx),
    ...outboxArea(ctx),
    ...refusedArea(ctx),
    ...pullsArea(ctx),
    ...snapshotArea(ctx),
    ...checksumArea(ctx),
    ...repairArea(ctx),
    ...readsArea(ctx),
    ...reportsArea(ctx),
    ...conflictsArea(ctx),
  };
}

const lifecycle = (ctx: StoreContext): Pick<FacadeStore, 'migrate' | 'erase' | 'close'> => ({
  /**
   * Brings the schema up to date, then checks the sealing: a store with sealed values opens only with
   * a sealer holding their key (`store.key_missing`), and a sealer's first open of a store written
   * without one seals everything in it. Checksum buckets summed with another definition of core's
   * field hash (CHECKSUM_VERSION) are recomputed from the rows.
   */
  async migrate() {
    await runMigrations(ctx.db);
    // A bulk load cut off before its end left the index dropped: put it back.
    await ctx.db.exec(ROWS_BY_DATE_INDEX);
    if (await needsSealing(ctx)) await sealInPlace(ctx);
    if (await checksumOutdated(ctx)) await recomputeChecksum(ctx);
  },

  async erase() {
    await ctx.db.transaction(async (tx) => {
      for (const table of STORE_TABLES) await tx.run(`DELETE FROM ${table}`);
    });
  },

  close: () => ctx.db.close(),
});
