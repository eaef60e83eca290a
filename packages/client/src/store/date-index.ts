import type { SqlRunner } from './driver.js';

/** The date index, as the first migration creates it (kept in step with migrations.ts). */
export const ROWS_BY_DATE_INDEX =
  'CREATE INDEX IF NOT EXISTS rows_by_date ON rows (tbl, sort_date, row_id, deleted, category_id, currency, amount)';

/**
 * Whether `rows_by_date` is there for the hot reads to pin (`INDEXED BY`: so a planner without
 * statistics never prefers the primary key and a sort). A first bootstrap drops it while its pages
 * go in and builds it once at the end (see snapshot.ts); the app keeps listing and reporting
 * meanwhile, just without the pin. The mark changes on the safe side of each statement: reads stop
 * pinning before the index is dropped, and pin again only once it exists, so no read ever names a
 * missing index (a read's statement is queued behind the DROP it was built before, or built after).
 */
export class DateIndex {
  private present = true;

  /** The hint of the hot reads' FROM clause. */
  hint(): string {
    return this.present ? 'INDEXED BY rows_by_date' : '';
  }

  async drop(db: SqlRunner): Promise<void> {
    this.present = false;
    await db.exec('DROP INDEX IF EXISTS rows_by_date');
  }

  async restore(db: SqlRunner): Promise<void> {
    await db.exec(ROWS_BY_DATE_INDEX);
    this.present = true;
  }
}
