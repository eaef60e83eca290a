/**
 * `@kakeibo/client/browser`: the Kakeibo SDK in browsers, over SQLite WASM on OPFS in a Web Worker.
 * Nothing here (or below) imports Node modules: the Node entry point is `@kakeibo/client`.
 */
export type { AccountBalance } from '../api/accounts.js';
export type { BudgetProgress } from '../api/budget-progress.js';
export type { Collection } from '../api/collection.js';
export type { ConvertedTotals } from '../api/converted.js';
export type { MaterializeResult, Occurrence } from '../api/recurring.js';
export type {
  MonthRange,
  Transaction,
  TransactionKind,
  TransactionQuery,
} from '../api/transactions.js';
export type { UndoResult } from '../api/undo.js';
export type { ClockWarning, KakeiboEvents, SyncStatus } from '../events.js';
export { Kakeibo, type KakeiboOptions } from '../kakeibo.js';
export type * from '../store/types.js';
export type { SyncResult } from '../sync/engine.js';
export { openWorkerDriver, type WorkerDriver, type WorkerDriverOptions } from './driver.js';
export { indexedDbKeyVault, indexedDbStoreKey } from './key-storage.js';
export {
  type OnlineEventTarget,
  type OpenKakeiboBrowserOptions,
  openKakeiboBrowser,
  watchOnline,
} from './open.js';
export type { OpenResult, WorkerLike } from './protocol.js';
