import { KakeiboError } from '@kakeibo/core';
import type { SqlDriver, SqlValue } from '../store/driver.js';
import { type Connection, SerialDriver } from '../store/serial-driver.js';
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
export type WorkerDriver = SqlDriver & { readonly info: OpenResult };

/**
 * Opens the database in a store worker (see worker.ts) and returns the driver talking to it: SQLite
 * runs in the worker, one connection, every primitive a message, serialised by SerialDriver exactly
 * as Node's driver is (see store/driver.ts). The worker answers messages in the order they were sent,
 * so statements a unit sends without waiting for each other still run in order.
 */
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
  return Object.assign(new SerialDriver(new WorkerConnection(channel)), { info });
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

/** The store worker's connection as SerialDriver's primitives: one message each. */
class WorkerConnection implements Connection {
  constructor(private readonly channel: Channel) {}

  async exec(sql: string): Promise<void> {
    await this.channel.send({ op: 'exec', sql });
  }

  run(sql: string, params: readonly SqlValue[]): Promise<{ changes: number }> {
    return this.channel.send({ op: 'run', sql, params }) as Promise<{ changes: number }>;
  }

  all(sql: string, params: readonly SqlValue[]): Promise<unknown[]> {
    return this.channel.send({ op: 'all', sql, params }) as Promise<unknown[]>;
  }

  begin = () => this.channel.send({ op: 'begin' });
  commit = () => this.channel.send({ op: 'commit' });
  rollback = () => this.channel.send({ op: 'rollback' });
  savepoint = (name: string) => this.channel.send({ op: 'savepoint', name });
  release = (name: string) => this.channel.send({ op: 'release', name });
  rollbackTo = (name: string) => this.channel.send({ op: 'rollbackTo', name });

  async close(): Promise<void> {
    try {
      await this.channel.send({ op: 'close' });
    } finally {
      this.channel.fail(new KakeiboError('store.closed', 'The local store is closed.'));
      this.channel.worker.terminate();
    }
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
