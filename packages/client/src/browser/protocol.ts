import type { SqlValue } from '../store/types.js';

/**
 * The messages between the page (WorkerDriver) and the store worker (worker.ts). Every request
 * carries an id; the worker answers each one exactly once, in the order the requests arrived.
 */
export type WorkerRequest = { id: number } & WorkerCall;

export type WorkerCall =
  /** Opens the database `name` (letters, digits, . _ -): its own pool of files in OPFS. */
  | { op: 'open'; name: string; lockWaitMs: number }
  | { op: 'exec'; sql: string }
  | { op: 'run'; sql: string; params: readonly SqlValue[] }
  | { op: 'all'; sql: string; params: readonly SqlValue[] }
  | { op: 'begin' }
  | { op: 'commit' }
  /** Rolls back the open transaction; a no-op when SQLite already ended it by itself. */
  | { op: 'rollback' }
  | { op: 'savepoint'; name: string }
  | { op: 'release'; name: string }
  /** ROLLBACK TO + RELEASE of a savepoint; a no-op when no transaction is open any more. */
  | { op: 'rollbackTo'; name: string }
  | { op: 'close' };

export type WorkerResponse =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: WorkerError };

export interface WorkerError {
  /** A Kakeibo error code (store.locked, store.opfs_unavailable, …), absent for plain SQLite errors. */
  code?: string;
  name: string;
  message: string;
  /** SQLite's result code, for SQLite errors. */
  resultCode?: number;
}

/** What `open` answers: which VFS holds the database, where, and the SQLite version. */
export interface OpenResult {
  vfs: 'opfs-sahpool' | 'opfs';
  /** The OPFS directory of the database's files (opfs-sahpool) or the file's path (opfs). */
  location: string;
  sqliteVersion: string;
}

/** The part of a (DOM) Worker the driver uses: structural, so the SDK needs no DOM typings. */
export interface WorkerLike {
  postMessage(message: WorkerRequest): void;
  addEventListener(type: 'message', listener: (event: { data: WorkerResponse }) => void): void;
  addEventListener(type: 'error' | 'messageerror', listener: (event: { message?: string }) => void): void;
  terminate(): void;
}
