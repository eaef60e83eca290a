import { KakeiboError } from '@kakeibo/core';
import type { SqlDriver, SqlRunner, SqlTransaction, SqlValue } from './driver.js';

/**
 * What a platform's one database connection does right now, unqueued: the few primitives Node's
 * better-sqlite3 and the browser's store worker each provide. Results may be synchronous (Node runs
 * the statement at the call) or a promise (the worker answers messages in the order they were sent);
 * `Done` is either: nothing, or a promise of it, awaited before the next step.
 */
export interface Connection {
  exec(sql: string): Done;
  run(sql: string, params: readonly SqlValue[]): { changes: number } | Promise<{ changes: number }>;
  all(sql: string, params: readonly SqlValue[]): unknown[] | Promise<unknown[]>;
  begin(): Done;
  commit(): Done;
  /** Ends the open transaction; a no-op when SQLite already rolled it back by itself. */
  rollback(): Done;
  savepoint(name: string): Done;
  release(name: string): Done;
  /** ROLLBACK TO + RELEASE; a no-op when no transaction is open any more. */
  rollbackTo(name: string): Done;
  close(): Done;
}

type Done = unknown;

/** A transaction: its runner works only while it is open. */
interface Unit {
  open: boolean;
  depth: number;
}

/**
 * The driver contract of driver.ts implemented once, over any Connection: one FIFO queue of units
 * (a statement, a transaction), each holding the connection until it settles, and
 * runners handed to the function of the unit they belong to. Node's and the browser's drivers are
 * this class over their connection, so the two platforms serialise in exactly the same way.
 */
export class SerialDriver implements SqlDriver {
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;
  private closing: Promise<void> | undefined;

  constructor(private readonly connection: Connection) {}

  async exec(sql: string): Promise<void> {
    await this.enqueue(() => this.connection.exec(sql));
  }

  run(sql: string, params: readonly SqlValue[] = []): Promise<{ changes: number }> {
    return this.enqueue(() => this.connection.run(sql, params));
  }

  all<T = Record<string, SqlValue>>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return this.enqueue(() => this.connection.all(sql, params) as T[] | Promise<T[]>);
  }

  transaction<T>(fn: (tx: SqlTransaction) => Promise<T>): Promise<T> {
    return this.enqueue(async () => {
      const unit: Unit = { open: true, depth: 0 };
      await this.connection.begin();
      try {
        const result = await fn(this.transactionRunner(unit));
        unit.open = false;
        await this.connection.commit();
        return result;
      } catch (error) {
        unit.open = false;
        // Also after a failed COMMIT (a full disk): the transaction must not stay open.
        await Promise.resolve()
          .then(() => this.connection.rollback())
          .catch(() => {});
        throw error;
      }
    });
  }

  /** Closing again returns the same promise. */
  close(): Promise<void> {
    this.closing ??= this.enqueue(async () => {
      this.closed = true;
      await this.connection.close();
    });
    return this.closing;
  }

  /** Statements of an open unit, sent at once (not queued: the unit holds the connection). */
  private runner(unit: Unit): SqlRunner {
    const now = <T>(task: () => T | Promise<T>): Promise<T> => {
      if (!unit.open) return Promise.reject(scopeEnded());
      try {
        return Promise.resolve(task());
      } catch (error) {
        return Promise.reject(error);
      }
    };
    return {
      exec: (sql) => now(() => this.connection.exec(sql)).then(() => undefined),
      run: (sql, params = []) => now(() => this.connection.run(sql, params)),
      all: <T>(sql: string, params: readonly SqlValue[] = []) =>
        now(() => this.connection.all(sql, params) as T[] | Promise<T[]>),
    };
  }

  private transactionRunner(unit: Unit): SqlTransaction {
    const tx: SqlTransaction = {
      ...this.runner(unit),
      transaction: (fn) => this.savepoint(unit, fn, tx),
    };
    return tx;
  }

  private async savepoint<T>(
    unit: Unit,
    fn: (tx: SqlTransaction) => Promise<T>,
    tx: SqlTransaction,
  ): Promise<T> {
    if (!unit.open) throw scopeEnded();
    const name = `sp${++unit.depth}`;
    try {
      await this.connection.savepoint(name);
      try {
        const result = await fn(tx);
        await this.connection.release(name);
        return result;
      } catch (error) {
        await Promise.resolve()
          .then(() => this.connection.rollbackTo(name))
          .catch(() => {});
        throw error;
      }
    } finally {
      unit.depth -= 1;
    }
  }

  private enqueue<T>(task: () => T | Promise<T>): Promise<T> {
    const result = this.tail.then(() => {
      if (this.closed) throw new KakeiboError('store.closed', 'The local store is closed.');
      return task();
    });
    this.tail = result.catch(() => undefined);
    return result;
  }
}

const scopeEnded = () =>
  new KakeiboError(
    'store.scope_ended',
    'A statement was sent through a transaction of the local store that has already ended.',
  );
