import { Worker } from 'node:worker_threads';
import type { Op } from '@kakeibo/core';
import type { Spent } from './method-timers.js';
import type { ServerThreadCall, ServerThreadReply, ServerThreadStart } from './server-thread-worker.js';

/** A call as the caller writes it: the id is added when it is sent (distributes over the union). */
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

/** Where the server thread spent its time: per route, and per timed storage method. */
export interface ServerThreadStats {
  routes: Record<string, Spent>;
  storageSpent: Record<string, Spent>;
  /** CPU time of the server thread since the last resetStats (Linux only). */
  cpuSeconds?: number;
}

/**
 * The real server (startSqliteServer: buildApp over a fresh SQLCipher file, listening on loopback)
 * in a worker thread of its own, so it has its own event loop and core the way a deployed server has
 * its own process: a client measured in the main thread then pays only for its own work, and the two
 * overlap as they do across a network. The ledger is filled through the thread's storage (each op
 * checked with parseOp first, as the push route would), and its timers are read back on request.
 */
export class ServerThread {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private failure: Error | null = null;

  private constructor(
    private readonly worker: Worker,
    readonly url: string,
  ) {
    worker.on('message', (reply: ServerThreadReply) => this.settle(reply));
  }

  static async start(options: ServerThreadStart): Promise<ServerThread> {
    const worker = new Worker(new URL('./server-thread-worker.js', import.meta.url), { workerData: options });
    const url = await new Promise<string>((resolve, reject) => {
      worker.once('message', (message: { url?: string; error?: string }) =>
        message.url ? resolve(message.url) : reject(new Error(`server thread: ${message.error}`)),
      );
      worker.once('error', reject);
    });
    const thread = new ServerThread(worker, url);
    worker.on('error', (error) => thread.fail(error));
    worker.on('exit', (code) => thread.fail(new Error(`server thread exited (code ${code})`)));
    return thread;
  }

  /** Appends ops to a ledger through storage.appendOps, after parseOp on each (in the server thread). */
  append(ledgerId: string, ops: readonly Op[]): Promise<void> {
    return this.call({ kind: 'append', ledgerId, ops }) as Promise<void>;
  }

  /** Sets every route and storage timer back to zero. */
  resetStats(): Promise<void> {
    return this.call({ kind: 'resetStats' }) as Promise<void>;
  }

  stats(): Promise<ServerThreadStats> {
    return this.call({ kind: 'stats' }) as Promise<ServerThreadStats>;
  }

  /** Closes the server and its storage (removing its files), then ends the thread. */
  async close(): Promise<void> {
    if (this.failure) return;
    try {
      await this.call({ kind: 'close' });
    } finally {
      this.failure = new Error('server thread closed');
      await this.worker.terminate();
    }
  }

  private call(message: WithoutId<ServerThreadCall>): Promise<unknown> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...message, id } as ServerThreadCall);
    });
  }

  private settle(reply: ServerThreadReply): void {
    const waiting = this.pending.get(reply.id);
    if (!waiting) return;
    this.pending.delete(reply.id);
    if ('error' in reply) waiting.reject(new Error(`server thread: ${reply.error}`));
    else waiting.resolve(reply.value);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }
}
