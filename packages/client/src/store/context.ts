import type { DateIndex } from './date-index.js';
import type { SqlDriver } from './driver.js';
import type { Sealing } from './sealing.js';

/** What every module of the store works with: the driver, how values are kept at rest, the date index. */
export interface StoreContext {
  readonly db: SqlDriver;
  readonly sealing: Sealing;
  readonly dateIndex: DateIndex;
}
