import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/** What the checkpointer's thread is started with (see checkpointer-worker.ts). */
export interface CheckpointerStart {
  file: string;
  /** The file's key, hex. */
  key: string;
  /** Between checkpoints while the last one copied frames. */
  fastMs: number;
  /** The longest pause when there is nothing to copy. */
  idleMs: number;
}

export interface Checkpointer {
  /** Stops the thread and closes its connection (before the storage closes its own). */
  stop(): Promise<void>;
}

/**
 * Copies the write-ahead log into the database file on a thread of its own, so that the commits of
 * appendOps do not. With WAL, SQLite checkpoints inside the commit that crosses wal_autocheckpoint:
 * on SQLCipher that means decrypting and re-encrypting thousands of pages in the middle of somebody's
 * push (ingest of 100,000 ops: every seventh batch took ~190 ms instead of ~40 ms, and checkpoints
 * were a third of all ingest time). Passive checkpoints from another connection never block the
 * writer or readers; the storage keeps its own wal_autocheckpoint as the backstop, so if this thread
 * cannot start (a bundle without the worker file, the TypeScript sources under a test runner) or
 * falls behind, the log is still checkpointed as before.
 */
export function startCheckpointer(
  file: string,
  key: Buffer,
  worker: URL = CHECKPOINTER_WORKER,
): Checkpointer | null {
  // A bundle or a test runner of the sources has no built worker beside this module: no thread.
  if (!existsSync(fileURLToPath(worker))) return null;
  const start: CheckpointerStart = { file, key: key.toString('hex'), fastMs: 25, idleMs: 1000 };
  try {
    // Not waited for: the storage is usable at once, and a thread that fails to come up just ends.
    return new CheckpointerThread(new Worker(worker, { workerData: start }));
  } catch {
    return null;
  }
}

/** The thread's code: the built checkpointer-worker.js beside this module. */
export const CHECKPOINTER_WORKER = new URL('./checkpointer-worker.js', import.meta.url);

class CheckpointerThread implements Checkpointer {
  private readonly exited: Promise<void>;
  private stopping: Promise<void> | null = null;

  constructor(private readonly worker: Worker) {
    worker.unref(); // never what keeps a process alive
    // A thread that fails is simply gone: the storage's own autocheckpoint goes on without it.
    worker.on('error', () => {});
    this.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      const stopped = new Promise<void>((resolve) =>
        this.worker.on('message', (message) => message === 'stopped' && resolve()),
      );
      // Queued until the thread listens: one still starting closes its connection all the same.
      this.worker.postMessage('stop');
      // It closes its connection first; a thread that already ended has nothing to close.
      await Promise.race([stopped, this.exited]);
      await this.worker.terminate();
    })();
    return this.stopping;
  }
}
