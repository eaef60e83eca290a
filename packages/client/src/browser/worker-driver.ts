import { KakeiboError } from '@kakeibo/core';
import type { LocalStore, SqlDriver, SqlValue } from '../store/types.js';
import type {
  OpenResult,
  WorkerCall,
  WorkerError,
  WorkerLike,
  WorkerRequest,
  WorkerResponse,
} from './protocol.js';

export interface WorkerDriverOptions {
  /** The database's name (letters, digits, . _ -): its files live in the OPFS directory `.kakeibo/<name>`. */
  name: string;
  /**
   * How long to wait for another worker of this origin to let go of the store (a reloading page's
   * old worker, for a moment) before failing with `store.locked`. Default 5 s.
   */
  lockWaitMs?: number;
}

/** The open SqlDriver, with what the worker reported about the database. */
export type WorkerDriver = SqlDriver & {
  readonly info: OpenResult;
  /**
   * Runs `fn` alone: every other call and section waits until it has settled, and the calls made on
   * the driver meanwhile are taken to be fn's own (see BrowserWorkerDriver).
   */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
};

/** Opens the database in a store worker (see worker.ts) and returns the driver talking to it. */
export async function openWorkerDriver(
  worker: WorkerLike,
  options: WorkerDriverOptions,
): Promise<WorkerDriver> {
  const channel = new Channel(worker);
  const info = (await channel.send({
    op: 'open',
    name: options.name,
    lockWaitMs: options.lockWaitMs ?? 5_000,
  })) as OpenResult;
  return new BrowserWorkerDriver(channel, info);
}

/**
 * Gives a store one operation at a time: each LocalStore method runs as one exclusive section of the
 * driver, so a call from elsewhere never joins, nor sees, another operation's open transaction.
 *
 * Calls *inside* a method (the SqliteLocalStore instance calling its own helpers and the driver) go
 * straight through, because they are not made through this wrapper.
 */
export function exclusiveStore<S extends LocalStore>(store: S, driver: WorkerDriver): S {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      // close() queues behind every operation by itself (as a section it would wait for itself), and
      // bulkLoad() calls the store's own methods through this wrapper: each of those is a section.
      if (property === 'close' || property === 'bulkLoad') {
        return (...args: unknown[]) => Reflect.apply(value, target, args);
      }
      return (...args: unknown[]) =>
        driver.exclusive(() => Reflect.apply(value, target, args) as Promise<unknown>);
    },
  });
}

/** Request ids and answers over postMessage; a dead worker fails every call waiting on it. */
class Channel {
  private nextId = 1;
  private readonly waiting = new Map<
    number,
    { resolve(value: unknown): void; reject(error: unknown): void }
  >();
  private failure: KakeiboError | null = null;

  constructor(readonly worker: WorkerLike) {
    worker.addEventListener('message', (event) => this.answer(event.data));
    worker.addEventListener('error', (event) =>
      this.fail(
        new KakeiboError(
          'store.worker_failed',
          `The local store worker stopped: ${event.message || 'it could not be loaded'}. Reload the page.`,
        ),
      ),
    );
    worker.addEventListener('messageerror', () =>
      this.fail(
        new KakeiboError(
          'store.worker_failed',
          'The local store worker sent a message that could not be read.',
        ),
      ),
    );
  }

  send(request: WorkerCall): Promise<unknown> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      try {
        this.worker.postMessage({ ...request, id } as WorkerRequest);
      } catch (error) {
        this.waiting.delete(id);
        reject(error);
      }
    });
  }

  fail(error: KakeiboError): void {
    this.failure ??= error;
    for (const { reject } of this.waiting.values()) reject(error);
    this.waiting.clear();
  }

  private answer(response: WorkerResponse) {
    const waiter = this.waiting.get(response.id);
    if (!waiter) return;
    this.waiting.delete(response.id);
    if (response.ok) waiter.resolve(response.result);
    else waiter.reject(toError(response.error));
  }
}

/** The transaction of the running section; `open` turns false once it has ended. */
interface Section {
  tx: { open: boolean; depth: number } | null;
}

/**
 * The browser driver: SQLite runs in the store worker, one connection, and every call is a message.
 *
 * Like the Node driver, every top-level call and transaction goes through one FIFO queue, and a
 * transaction holds the queue until it commits or rolls back, so work from elsewhere waits instead
 * of joining it. What the browser lacks is AsyncLocalStorage, by which the Node driver tells the
 * calls made inside `transaction(fn)` from the calls made elsewhere at the same moment. So here the
 * unit of isolation is an exclusive section: while a section (a transaction, or `exclusive(fn)`)
 * runs, the calls made on this driver are taken to be its own and go straight to the worker.
 * `openKakeiboBrowser` makes every LocalStore operation one section (`exclusiveStore`), which gives
 * the same guarantee as in Node: an operation never sees or joins another's open transaction.
 *
 * The worker answers requests in the order they were sent, so calls that do not wait for each other
 * still run in order.
 */
class BrowserWorkerDriver implements WorkerDriver {
  private tail: Promise<unknown> = Promise.resolve();
  private section: Section | null = null;
  private closed = false;

  constructor(
    private readonly channel: Channel,
    readonly info: OpenResult,
  ) {}

  async exec(sql: string): Promise<void> {
    await this.call({ op: 'exec', sql });
  }

  run(sql: string, params: readonly SqlValue[] = []): Promise<{ changes: number }> {
    return this.call({ op: 'run', sql, params }) as Promise<{ changes: number }>;
  }

  all<T = Record<string, SqlValue>>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return this.call({ op: 'all', sql, params }) as Promise<T[]>;
  }

  transaction<T>(fn: () => Promise<T>): Promise<T> {
    const section = this.section;
    if (section?.tx?.open) return this.nested(section.tx, fn);
    if (section) return this.begin(section, fn);
    return this.exclusive(() => this.transaction(fn));
  }

  /**
   * Always queued, even while a section runs: the caller is somebody else by definition (the
   * SqliteLocalStore's own calls never come through `exclusiveStore`). Never call it from inside a
   * section: it would wait for itself.
   */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return this.enqueue(async () => {
      this.section = { tx: null };
      try {
        return await fn();
      } finally {
        this.section = null;
      }
    });
  }

  close(): Promise<void> {
    return this.enqueue(async () => {
      if (this.closed) return;
      this.closed = true;
      try {
        await this.channel.send({ op: 'close' });
      } finally {
        this.channel.fail(new KakeiboError('store.closed', 'The local store is closed.'));
        this.channel.worker.terminate();
      }
    });
  }

  private async begin<T>(section: Section, fn: () => Promise<T>): Promise<T> {
    const tx = { open: true, depth: 0 };
    await this.channel.send({ op: 'begin' });
    section.tx = tx;
    try {
      const result = await fn();
      tx.open = false;
      await this.channel.send({ op: 'commit' });
      return result;
    } catch (error) {
      tx.open = false;
      // Also after a failed COMMIT (a full disk): the transaction must not stay open.
      await this.channel.send({ op: 'rollback' }).catch(() => {});
      throw error;
    } finally {
      section.tx = null;
    }
  }

  /** A transaction inside a transaction is a savepoint: its failure undoes only its own work. */
  private async nested<T>(tx: { depth: number }, fn: () => Promise<T>): Promise<T> {
    const name = `sp${++tx.depth}`;
    await this.channel.send({ op: 'savepoint', name });
    try {
      const result = await fn();
      await this.channel.send({ op: 'release', name });
      return result;
    } catch (error) {
      await this.channel.send({ op: 'rollbackTo', name }).catch(() => {});
      throw error;
    } finally {
      tx.depth -= 1;
    }
  }

  /** Inside a section: send now. Anywhere else: wait for every earlier call and section. */
  private call(request: WorkerCall): Promise<unknown> {
    if (this.section) return this.channel.send(request);
    return this.enqueue(() => this.channel.send(request));
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(() => {
      if (this.closed) throw new KakeiboError('store.closed', 'The local store is closed.');
      return task();
    });
    this.tail = result.catch(() => undefined);
    return result;
  }
}

/** Store errors keep their Kakeibo code; SQLite errors keep SQLite's name, message and result code. */
function toError(error: WorkerError): Error {
  if (error.code) return new KakeiboError(error.code, error.message);
  const out = new Error(error.message) as Error & { resultCode?: number };
  out.name = error.name;
  if (error.resultCode !== undefined) out.resultCode = error.resultCode;
  return out;
}
