import { type ChildProcess, fork } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { registerCleanup } from './cleanup.js';
import type { DeviceMode, DeviceReply, DeviceTask, DoneReport } from './device-protocol.js';

const WORKER = fileURLToPath(new URL('./device-worker.js', import.meta.url));

/** What every device of a scenario shares: the server it talks to, the account, where journals go. */
export interface DeviceContext {
  serverUrl: string;
  email: string;
  password: string;
  /** Each device gets `<root>/<name>/{data,keys}`. */
  root: string;
  journalDir: string;
  /** Checksum mismatches the SDK reported (sync.verify_failed), across all devices of the scenario. */
  verifyFailures: string[];
  /** Unexpected failures of a device process (an error it reported, not a kill of ours). */
  crashes: string[];
}

/**
 * One device: a data dir and a key dir that outlive its processes. Each `run` forks a fresh process
 * on them (device-worker.ts); `kill` is SIGKILL, the way an OS ends an app, and the next `run`
 * starts again on the same data, as the app would after a crash.
 */
export class Device {
  readonly dataDir: string;
  readonly keyDir: string;
  readonly journal: string;
  private current: DeviceRun | null = null;

  constructor(
    readonly name: string,
    private readonly ctx: DeviceContext,
  ) {
    const root = join(ctx.root, name);
    this.dataDir = join(root, 'data');
    this.keyDir = join(root, 'keys');
    mkdirSync(this.keyDir, { recursive: true, mode: 0o700 });
    this.journal = join(ctx.journalDir, `${name}.jsonl`);
  }

  run(
    mode: DeviceMode,
    options: Partial<Pick<DeviceTask, 'count' | 'syncEvery' | 'pauseMs'>> = {},
  ): DeviceRun {
    if (this.current?.alive) throw new Error(`${this.name} is already running`);
    const { serverUrl, email, password } = this.ctx;
    const task: DeviceTask = {
      mode,
      device: this.name,
      serverUrl,
      email,
      password,
      dataDir: this.dataDir,
      keyDir: this.keyDir,
      journal: this.journal,
      ...options,
    };
    this.current = new DeviceRun(task, this.ctx);
    return this.current;
  }

  get running(): DeviceRun | null {
    return this.current?.alive ? this.current : null;
  }
}

/** One process of a device. */
export class DeviceRun {
  private readonly child: ChildProcess;
  /** Resolves when the worker said 'ready' (writer) or 'syncing' (first sync begins). */
  readonly started: Promise<void>;
  /** The worker's final report; rejects when it failed or exited without one (killed). */
  readonly done: Promise<DoneReport>;
  /** Set when we killed it: its exit is then expected, not a failure. */
  killed = false;
  /** The worker said its first sync is over (a kill after that did not land in the bootstrap). */
  synced = false;
  private exited = false;
  private readonly writeWaiters: Array<() => void> = [];
  private readonly forget: () => Promise<void>;

  constructor(
    readonly task: DeviceTask,
    ctx: DeviceContext,
  ) {
    this.child = fork(WORKER, [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    let stderr = '';
    this.child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    this.forget = registerCleanup(() => this.kill());
    let markStarted: () => void = () => {};
    this.started = new Promise((resolve) => {
      markStarted = resolve;
    });
    this.done = new Promise((resolve, reject) => {
      let report: DoneReport | null = null;
      this.child.on('message', (reply: DeviceReply) => {
        if (reply.t === 'ready' || reply.t === 'syncing') markStarted();
        else if (reply.t === 'synced') this.synced = true;
        else if (reply.t === 'writing') {
          for (const resolve of this.writeWaiters.splice(0)) resolve();
        } else if (reply.t === 'verify-failed') ctx.verifyFailures.push(`${task.device}: ${reply.message}`);
        else if (reply.t === 'done') {
          const { t: _t, ...rest } = reply;
          report = rest;
        } else if (reply.t === 'error') {
          ctx.crashes.push(`${task.device} (${task.mode}): ${reply.message}`);
        }
      });
      this.child.once('exit', (code, signal) => {
        this.exited = true;
        void this.forget();
        if (report && code === 0) resolve(report);
        else {
          const why = this.killed ? 'killed by the suite' : `exited with ${signal ?? code}: ${stderr}`;
          // An exit we did not cause, with no error message of its own, is a crash too.
          if (!this.killed && code !== 1) ctx.crashes.push(`${task.device} (${task.mode}) ${why}`);
          reject(new Error(`${task.device} (${task.mode}) ${why}`));
        }
      });
    });
    this.done.catch(() => {}); // callers that kill a run do not await its done
    this.child.send(task);
  }

  get alive(): boolean {
    return !this.exited;
  }

  /** SIGKILL, and resolves once the process is gone. */
  kill(): Promise<void> {
    if (this.exited) return Promise.resolve();
    this.killed = true;
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.kill('SIGKILL');
    });
  }

  /** Resolves when the writer announces its next write (or at once if the process is gone). */
  nextWrite(): Promise<void> {
    if (this.exited) return Promise.resolve();
    return new Promise((resolve) => {
      this.writeWaiters.push(resolve);
      this.child.once('exit', () => resolve());
    });
  }

  /** Asks a writer to finish its current write and exit cleanly. */
  async stop(): Promise<DoneReport> {
    if (!this.exited) this.child.send('stop');
    return this.done;
  }
}
