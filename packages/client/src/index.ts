export type { AccountBalance } from './api/accounts.js';
export type { BudgetProgress } from './api/budget-progress.js';
export type { Collection } from './api/collection.js';
export type { ConvertedTotals } from './api/converted.js';
export type { MaterializeResult, Occurrence } from './api/recurring.js';
export type {
  MonthRange,
  Transaction,
  TransactionKind,
  TransactionQuery,
} from './api/transactions.js';
export type { UndoResult } from './api/undo.js';
export type { ClockWarning, KakeiboEvents, SyncStatus } from './events.js';
export { Kakeibo, type KakeiboOptions } from './kakeibo.js';
export { type OpenKakeiboOptions, openKakeibo } from './node/open.js';
export type * from './store/types.js';
export type { SyncResult } from './sync/engine.js';
