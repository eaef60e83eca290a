import { randomBytes, randomInt } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type CheckResult, checkRows } from './check.js';
import { makeTempDir } from './cleanup.js';
import { Device, type DeviceContext, type DeviceRun } from './device-process.js';
import { readJournals } from './journal.js';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
export const between = (min: number, max: number) => randomInt(min, max + 1);

/** One scenario's line of the final table. */
export interface ScenarioResult {
  scenario: string;
  kills: number;
  check: CheckResult;
  checksumOk: boolean;
  bootstrapOk: boolean;
  seconds: number;
  /** Crashes, checksum mismatches and other findings, in words. */
  notes: string[];
}

export type Log = (line: string) => void;

/**
 * What every scenario has: an account, its devices (each a data dir, a key dir and a journal), and
 * the writers that keep adding expenses while something is being killed. A writer whose process is
 * gone (killed by a scenario, or crashed) is started again on the same data dir by `supervise`.
 */
export class Rig {
  readonly ctx: DeviceContext;
  readonly writers: Device[] = [];
  private readonly runs = new Map<Device, DeviceRun>();
  private readonly others: Device[] = [];
  writing = false;
  private supervisor: Promise<void> | null = null;

  constructor(
    readonly name: string,
    serverUrl: string,
    readonly log: Log,
  ) {
    const root = makeTempDir(name).path;
    const journalDir = join(root, 'journals');
    mkdirSync(journalDir);
    this.ctx = {
      serverUrl,
      email: `chaos-${randomBytes(6).toString('hex')}@example.com`,
      password: `chaos-${randomBytes(12).toString('hex')}`,
      root,
      journalDir,
      verifyFailures: [],
      crashes: [],
    };
  }

  device(name: string): Device {
    const device = new Device(name, this.ctx);
    this.others.push(device);
    return device;
  }

  /** Signs the account up and seeds `seed` expenses (journalled like every other write). */
  async setUp(seed: number): Promise<void> {
    await this.device('signup').run('signup').done;
    if (seed > 0) await this.device('seed').run('seed', { count: seed }).done;
    this.log(`  account signed up, ${seed} expenses seeded`);
  }

  /** Starts `count` writer devices and keeps them running until `stopWriters`. */
  async startWriters(count: number): Promise<void> {
    for (let i = 0; i < count; i++) this.writers.push(new Device(`writer${i + 1}`, this.ctx));
    this.writing = true;
    await Promise.all(this.writers.map((w) => this.startWriter(w)));
    this.supervisor = (async () => {
      while (this.writing) {
        for (const w of this.writers) if (this.writing && !this.runs.get(w)?.alive) await this.startWriter(w);
        await sleep(50);
      }
    })();
  }

  private async startWriter(device: Device): Promise<DeviceRun> {
    const run = device.run('write', { syncEvery: between(2, 6), pauseMs: 40 });
    this.runs.set(device, run);
    // A writer signs in first (once per device): wait for it, or for its end.
    await Promise.race([run.started, run.done.catch(() => {})]);
    return run;
  }

  /** The writer's current process (started again by the supervisor if it is gone). */
  async writerRun(device: Device): Promise<DeviceRun> {
    for (;;) {
      const run = this.runs.get(device);
      if (run?.alive) {
        await run.started;
        return run;
      }
      await sleep(20);
    }
  }

  /** How many expenses the journals say the server has acknowledged so far. */
  acknowledgedSoFar(): number {
    let n = 0;
    for (const entry of readJournals(this.ctx.journalDir).entries.values())
      if (entry.outcome === 'acked') n++;
    return n;
  }

  randomWriter(): Device {
    return this.writers[randomInt(0, this.writers.length)] as Device;
  }

  /** Writers finish their current write and exit cleanly. */
  async stopWriters(): Promise<void> {
    this.writing = false;
    await this.supervisor;
    await Promise.all(
      this.writers.map(async (w) => {
        const run = this.runs.get(w);
        if (run?.alive) await run.stop().catch(() => {});
      }),
    );
  }

  /**
   * The end of a scenario, once everything is restarted cleanly: every device that ever wrote syncs
   * until its outbox is empty, then a brand-new device signs in, bootstraps, and its rows are
   * checked against the journals.
   */
  async verify(started: number, kills: number, extraNotes: string[] = []): Promise<ScenarioResult> {
    const notes = [...extraNotes];
    let checksumOk = true;
    const writersAndSeed = [...this.writers, ...this.others.filter((d) => d.name === 'seed')];
    for (const device of writersAndSeed) {
      try {
        const report = await device.run('drain').done;
        if (!report.verified) checksumOk = false;
        if (report.rejected) notes.push(`${device.name}: ${report.rejected} op(s) refused by the server`);
      } catch (error) {
        checksumOk = false;
        notes.push(`${device.name} did not drain: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    let bootstrapOk = false;
    let rows: Parameters<typeof checkRows>[1] = [];
    try {
      const report = await this.device('fresh-check').run('check').done;
      rows = report.rows ?? [];
      bootstrapOk = true;
      if (!report.verified || report.repaired) {
        checksumOk = false;
        notes.push(`fresh device: verified ${report.verified}, repaired ${report.repaired} bucket(s)`);
      }
    } catch (error) {
      checksumOk = false;
      notes.push(`fresh device failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (this.ctx.verifyFailures.length) {
      checksumOk = false;
      notes.push(
        `checksum mismatches reported by the SDK: ${this.ctx.verifyFailures.slice(0, 3).join('; ')}`,
      );
    }
    for (const crash of this.ctx.crashes.slice(0, 5)) notes.push(`device crash: ${crash}`);
    const check = checkRows(readJournals(this.ctx.journalDir), rows);
    notes.push(...check.problems);
    return {
      scenario: this.name,
      kills,
      check,
      checksumOk,
      bootstrapOk,
      seconds: (Date.now() - started) / 1000,
      notes,
    };
  }
}
