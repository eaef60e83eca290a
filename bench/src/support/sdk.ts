import { fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Kakeibo, openKakeibo } from '@kakeibo/client';
import { openStoreDatabase } from '@kakeibo/client/node-store-file';
import type Database from 'better-sqlite3-multiple-ciphers';
import { type Metric, median, now, percentile } from '../case.js';
import type { BootstrapReply, BootstrapReport, BootstrapTask } from './bootstrap-device.js';
import { BENCH_PASSWORD, BenchDevice, benchEmail } from './client.js';
import { type LedgerCategory, LedgerWriter, type MonthTotals } from './ledger.js';
import type { Spent } from './method-timers.js';
import { ServerThread } from './server-thread.js';

/**
 * The client SDK benchmarks' shared fixture: a 100,000-expense ledger on a server thread and a
 * fresh Node SDK device bootstrapped from it. client-bootstrap builds it (and times the bootstrap);
 * the later client-* cases reopen the same device, so the ledger is made and bootstrapped once per
 * run. Run alone (`--only client-page-query`), a case builds it itself, untimed.
 */

export const LEDGER_EXPENSES = 100_000;
const FILL_BATCH = 1000;
/** Later life of the data: amount corrections, note/tag changes, deletions (distinct rows). */
const LEDGER_EDITS = { amountEdits: 4000, noteEdits: 2000, deletes: 1000 };

/**
 * A device's data directory and its key directory (KAKEIBO_CLIENT_KEY_DIR), side by side in one temp
 * dir. Not registered with the runner's per-case cleanup (it outlives the case that made it, see
 * above); it is removed by `remove`, or when the process exits.
 */
export class DeviceDir {
  readonly dataDir: string;
  readonly keyDir: string;
  private removed = false;
  private readonly onExit = () => this.remove();

  private constructor(readonly root: string) {
    this.dataDir = join(root, 'data');
    this.keyDir = join(root, 'keys');
    mkdirSync(this.keyDir, { mode: 0o700 });
    process.once('exit', this.onExit);
  }

  static create(tag: string): DeviceDir {
    return new DeviceDir(mkdtempSync(join(tmpdir(), `kakeibo-bench-${tag}-`)));
  }

  /** Opens the SDK on this directory, exactly as an application would (the key stays outside dataDir). */
  open(serverUrl: string, deviceName: string): Promise<Kakeibo> {
    process.env.KAKEIBO_CLIENT_KEY_DIR = this.keyDir;
    return openKakeibo({ serverUrl, dataDir: this.dataDir, deviceName });
  }

  /** A second, raw connection to the device's encrypted database (for baselines and checks). */
  openRaw(): Database.Database {
    const [keyName] = readdirSync(this.keyDir).filter((f) => f.endsWith('.key'));
    if (!keyName) throw new Error(`no local key file in ${this.keyDir}`);
    const key = Buffer.from(readFileSync(join(this.keyDir, keyName), 'utf8').trim(), 'base64');
    return openStoreDatabase(join(this.dataDir, 'kakeibo.db'), key);
  }

  remove(): void {
    if (this.removed) return;
    this.removed = true;
    process.removeListener('exit', this.onExit);
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** What the later cases need to know about the bootstrapped device and its data. */
export interface BootstrappedDevice {
  dir: DeviceDir;
  /** The server is gone once the bootstrap is over: the later cases never sync. */
  serverUrl: string;
  deviceName: string;
  categories: LedgerCategory[];
  liveExpenseIds: string[];
  months: Map<string, MonthTotals>;
}

/** One device's bootstrap (its process's report), with what the server thread spent serving it. */
export interface BootstrapMeasurement extends BootstrapReport {
  expenses: number;
  snapshotRows: number;
  fillSeconds: number;
  routes: Record<string, Spent>;
  storageSpent: Record<string, Spent>;
  /** CPU time of the server thread during the device's bootstrap (Linux only). */
  serverCpuSeconds?: number;
  storedExpenses: number;
  /** Every device's kb.sync(), in the order they ran (the measurement is the median one). */
  runsMs: number[];
}

let shared: BootstrappedDevice | null = null;

/**
 * Fresh devices bootstrapped, one after the other, from the same ledger: the median is reported. One
 * bootstrap is a second or two of CPU on a shared 2-core machine, and a single one moved by ±20 % from
 * run to run; the ledger is filled once for all of them. The first device is also the first request
 * the server serves of its kind (its code not yet optimized); it is reported on its own as well.
 */
const BOOTSTRAP_RUNS = 5;

/** A server thread with a filled ledger, and the account to sign in to it with. */
interface FilledServer {
  server: ServerThread;
  email: string;
  writer: LedgerWriter;
  fillSeconds: number;
}

async function fillServer(log: (line: string) => void): Promise<FilledServer> {
  // The server has a thread (event loop, core) of its own, as a deployed one has its own process.
  const server = await ServerThread.start({
    timed: ['readSnapshot', 'readOps', 'checksum', 'listConflicts'],
  });
  try {
    // The ledger exists once somebody signed up (through the real HTTP API).
    const phone = await BenchDevice.create(server.url, 'Bench phone');
    const email = benchEmail('sdk');
    const session = await phone.signUp(email, BENCH_PASSWORD);

    // Its contents, written straight through storage (fast), as the first device's ops. Every op is
    // validated exactly as the push route would (parseOp), in batches of 1,000 as a push would carry.
    const writer = new LedgerWriter(phone.id);
    const fillStarted = now();
    const append = (ops: ReturnType<LedgerWriter['expenseBatch']>) => server.append(session.ledgerId, ops);
    await append(writer.categoryOps());
    for (let written = 0; written < LEDGER_EXPENSES; written += FILL_BATCH) {
      await append(writer.expenseBatch(Math.min(FILL_BATCH, LEDGER_EXPENSES - written)));
    }
    for (const batch of writer.editBatches(LEDGER_EDITS, FILL_BATCH)) await append(batch);
    const fillSeconds = (now() - fillStarted) / 1000;
    log(
      `  filled ${LEDGER_EXPENSES.toLocaleString('en-US')} expenses, ${writer.categories.length} categories and ${(
        LEDGER_EDITS.amountEdits + LEDGER_EDITS.noteEdits + LEDGER_EDITS.deletes
      ).toLocaleString('en-US')} later edits/deletes in ${fillSeconds.toFixed(1)} s`,
    );
    return { server, email, writer, fillSeconds };
  } catch (error) {
    await server.close().catch(() => undefined);
    throw error;
  }
}

type TimedBootstrap = Omit<BootstrapMeasurement, 'storedExpenses' | 'runsMs'>;

/** A device process that has not reported in this long is stuck: killed, and the case fails. */
const DEVICE_PROCESS_TIMEOUT_MS = 60_000;

/**
 * Runs one fresh device's bootstrap in a process of its own (bootstrap-device.ts); `signedIn` runs
 * between its sign-in and its sync.
 */
function runDeviceProcess(task: BootstrapTask, signedIn: () => Promise<void>): Promise<BootstrapReport> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(new URL('./bootstrap-device.js', import.meta.url)), [], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      settle(() =>
        reject(new Error(`the device process did not report within ${DEVICE_PROCESS_TIMEOUT_MS} ms`)),
      );
    }, DEVICE_PROCESS_TIMEOUT_MS);
    child.on('message', (reply: BootstrapReply) => {
      if (reply === 'signed-in') {
        signedIn().then(
          () => child.send('sync'),
          (error: unknown) => settle(() => reject(error)),
        );
        return;
      }
      settle(() =>
        'report' in reply ? resolve(reply.report) : reject(new Error(`device process: ${reply.error}`)),
      );
    });
    child.once('error', (error) => settle(() => reject(error)));
    child.once('exit', (code, signal) =>
      settle(() =>
        reject(new Error(`the device process exited (${signal ?? `code ${code}`}) without a report`)),
      ),
    );
    child.send(task);
  });
}

/** A fresh device (new process, data dir, key and device key pair) signs in and bootstraps, timed. */
async function timedBootstrap(
  filled: FilledServer,
  dir: DeviceDir,
  deviceName: string,
  log: (line: string) => void,
): Promise<TimedBootstrap> {
  const { server, email, writer, fillSeconds } = filled;
  const report = await runDeviceProcess(
    {
      serverUrl: server.url,
      email,
      password: BENCH_PASSWORD,
      dataDir: dir.dataDir,
      keyDir: dir.keyDir,
      deviceName,
    },
    () => server.resetStats(),
  );
  const { cpuSeconds: serverCpuSeconds, ...timers } = await server.stats();
  const { result, syncMs, clientCpuSeconds } = report;
  const cpu = (s: number | undefined) => (s === undefined ? 'n/a' : `${s.toFixed(2)} s`);
  log(
    `  kb.sync(): ${(syncMs / 1000).toFixed(2)} s, pushed ${result.pushed}, pulled ${result.pulled}, verified ${result.verified}, repaired ${result.repaired} (CPU: device process ${cpu(clientCpuSeconds)}, server thread ${cpu(serverCpuSeconds)})`,
  );
  return {
    expenses: LEDGER_EXPENSES,
    snapshotRows: LEDGER_EXPENSES + writer.categories.length,
    fillSeconds,
    ...report,
    ...timers,
    ...(serverCpuSeconds !== undefined && { serverCpuSeconds }),
  };
}

/**
 * Fills a ledger on a server in its own thread, then bootstraps BOOTSTRAP_RUNS fresh SDK devices from
 * it, each in a process of its own (timing each sync); the median run is the measurement, and its
 * device the one handed on.
 */
export async function bootstrapFreshDevice(log: (line: string) => void): Promise<{
  device: BootstrappedDevice;
  measurement: BootstrapMeasurement;
}> {
  const filled = await fillServer(log);
  const deviceName = 'Bench laptop (SDK)';
  const runs: Array<{ dir: DeviceDir; measured: TimedBootstrap }> = [];
  try {
    for (let i = 0; i < BOOTSTRAP_RUNS; i++) {
      const dir = DeviceDir.create('sdk-device');
      try {
        runs.push({ dir, measured: await timedBootstrap(filled, dir, deviceName, log) });
      } catch (error) {
        dir.remove();
        throw error;
      }
    }
  } finally {
    await filled.server.close();
  }
  const byTime = [...runs].sort((a, b) => a.measured.syncMs - b.measured.syncMs);
  const chosen = byTime[Math.floor(byTime.length / 2)] as (typeof runs)[number];
  for (const run of runs) if (run !== chosen) run.dir.remove();
  const { dir, measured } = chosen;
  try {
    const raw = dir.openRaw();
    let storedExpenses: number;
    try {
      storedExpenses = (
        raw.prepare("SELECT count(*) AS n FROM rows WHERE tbl = 'expenses'").get() as { n: number }
      ).n;
    } finally {
      raw.close();
    }
    const device: BootstrappedDevice = {
      dir,
      serverUrl: filled.server.url,
      deviceName,
      categories: filled.writer.categories,
      liveExpenseIds: filled.writer.liveExpenseIds(),
      months: filled.writer.monthTotals(),
    };
    return {
      device,
      measurement: {
        ...measured,
        storedExpenses,
        runsMs: runs.map((r) => r.measured.syncMs),
      },
    };
  } catch (error) {
    dir.remove();
    throw error;
  }
}

/** Hands the bootstrapped device to the later client-* cases (replacing, and removing, any earlier one). */
export function keepBootstrapped(device: BootstrappedDevice): void {
  if (shared && shared !== device) shared.dir.remove();
  shared = device;
}

/** The device client-bootstrap left, or (when it did not run or failed) a new one, bootstrapped untimed. */
export async function bootstrappedDevice(log: (line: string) => void): Promise<BootstrappedDevice> {
  if (shared) return shared;
  log('  no device from client-bootstrap in this run: making and bootstrapping one (untimed)');
  const { device, measurement } = await bootstrapFreshDevice(log);
  if (!measurement.result.verified || measurement.storedExpenses !== LEDGER_EXPENSES) {
    device.dir.remove();
    throw new Error(
      `bootstrap did not verify (verified ${measurement.result.verified}, ${measurement.storedExpenses} expenses stored)`,
    );
  }
  keepBootstrapped(device);
  return device;
}

/** Removes the shared device (the last client case calls this; otherwise it goes at process exit). */
export function releaseBootstrapped(): void {
  shared?.dir.remove();
  shared = null;
}

/** Opens the shared device's SDK (the server is gone: nothing here syncs). */
export function openBootstrapped(device: BootstrappedDevice): Promise<Kakeibo> {
  return device.dir.open(device.serverUrl, device.deviceName);
}

/**
 * Median and p95 rows for a set of latency samples (ms), each beside the same statistic of the
 * baseline samples when given, with an optional upper bound as target.
 */
export function latencyMetrics(
  label: string,
  samples: readonly number[],
  options: { max?: number; baseline?: readonly number[]; baselineLabel?: string } = {},
): Metric[] {
  const stats: Array<['median' | 'p95', (s: readonly number[]) => number]> = [
    ['median', median],
    ['p95', (s) => percentile(s, 95)],
  ];
  return stats.map(([name, stat]) => {
    const value = stat(samples);
    const base = options.baseline?.length ? stat(options.baseline) : undefined;
    return {
      metric: `${label}, ${name} of ${samples.length}`,
      value,
      unit: 'ms',
      ...(base !== undefined && { baseline: { value: base, unit: 'ms' }, ratio: value / base }),
      ...(options.max !== undefined && { target: { of: 'value' as const, max: options.max } }),
    };
  });
}

/** A seeded pick of `count` distinct items (partial Fisher–Yates). */
export function sample<T>(items: readonly T[], count: number, random: () => number): T[] {
  const copy = [...items];
  const n = Math.min(count, copy.length);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(random() * (copy.length - i));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy.slice(0, n);
}
