import { type Kakeibo, openKakeibo, type SyncResult } from '@kakeibo/client';
import { collectGarbage, now, RssSampler } from '../case.js';
import { type Spent, timeMethods } from './method-timers.js';
import { sdkStore } from './sdk-internals.js';
import { threadCpuSeconds } from './thread-cpu.js';

/**
 * One fresh device bootstrapping, in a process of its own (sdk.ts forks this file): a phone or laptop
 * that has just installed the app starts from a cold runtime (nothing compiled or warmed up, a heap
 * holding only itself), talking to a server that has been running for a while. Run inside the bench
 * process instead, the device shared its heap with the ledger's bookkeeping and was warmed up by the
 * devices before it, neither of which a real device has. For the same reason this file imports only
 * what a device needs (the SDK, the timers, sdk-internals.ts) and nothing of the bench harness: not
 * sdk.ts, which brings the ledger writer, the server thread and the rest of the fixture with it.
 *
 * Protocol: the parent sends one BootstrapTask over IPC; this process opens the SDK on the task's
 * empty data dir, signs in and says `'signed-in'`; the parent resets the server's timers (so they
 * count the sync alone, not the sign-in's password hashing) and answers `'sync'`; this process times
 * `kb.sync()`, closes, sends back a BootstrapReport (or `{ error }`) and exits.
 */

export interface BootstrapTask {
  serverUrl: string;
  email: string;
  password: string;
  dataDir: string;
  /** KAKEIBO_CLIENT_KEY_DIR: the local key is kept outside dataDir, as an application would. */
  keyDir: string;
  deviceName: string;
}

export interface BootstrapReport {
  openMs: number;
  signInMs: number;
  syncMs: number;
  result: SyncResult;
  /** Peak rise of this process's RSS during kb.sync() over its RSS when the sync started. */
  peakRssDeltaBytes: number;
  /** This process's RSS when the sync started (the SDK open and signed in). */
  startRssBytes: number;
  /** Store methods timed during the sync (applyRows, applyPulled, checksum). */
  storeSpent: Record<string, Spent>;
  /** CPU time of this process's main thread during kb.sync() (Linux only). */
  clientCpuSeconds?: number;
}

export type BootstrapReply = 'signed-in' | { report: BootstrapReport } | { error: string };

/** The parent's go-ahead, once the server's timers are reset. */
const nextMessage = () => new Promise<unknown>((resolve) => process.once('message', resolve));

async function bootstrap(task: BootstrapTask): Promise<BootstrapReport> {
  // The Node key store reads it when the SDK opens.
  process.env.KAKEIBO_CLIENT_KEY_DIR = task.keyDir;
  const openStarted = now();
  const kb: Kakeibo = await openKakeibo({
    serverUrl: task.serverUrl,
    dataDir: task.dataDir,
    deviceName: task.deviceName,
  });
  const openMs = now() - openStarted;
  try {
    const signInStarted = now();
    await kb.auth.signIn({ email: task.email, password: task.password });
    const signInMs = now() - signInStarted;
    const store = sdkStore(kb);
    const storeSpent = timeMethods(store, ['applyPulled', 'checksum']);
    // A bootstrap's pages go in through the loader bulkLoad hands the engine: time its applyRows.
    const bulkLoad = store.bulkLoad;
    store.bulkLoad = (load) =>
      bulkLoad((loader) => {
        storeSpent.applyRows = timeMethods(loader, ['applyRows']).applyRows as Spent;
        return load(loader);
      });
    const go = nextMessage();
    send('signed-in');
    await go;

    collectGarbage();
    const rss = new RssSampler(20);
    const cpuBefore = threadCpuSeconds();
    const started = now();
    const result = await kb.sync();
    const syncMs = now() - started;
    const cpuAfter = threadCpuSeconds();
    const memory = rss.stop();
    return {
      openMs,
      signInMs,
      syncMs,
      result,
      peakRssDeltaBytes: memory.peakDeltaBytes,
      startRssBytes: memory.startBytes,
      storeSpent,
      ...(cpuBefore !== undefined && cpuAfter !== undefined && { clientCpuSeconds: cpuAfter - cpuBefore }),
    };
  } finally {
    await kb.close();
  }
}

process.once('message', (task: BootstrapTask) => {
  bootstrap(task).then(
    (report) => send({ report }, () => process.exit(0)),
    (error: unknown) =>
      send({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) }, () =>
        process.exit(0),
      ),
  );
});

function send(reply: BootstrapReply, then: () => void = () => {}): void {
  process.send?.(reply, then);
}
