import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type PackedRowMessage, StateChecksum, unpackRow, uuidv7 } from '@kakeibo/core';
import {
  createTestDatabase,
  exampleExpense,
  PASSWORD,
  type TestDatabase,
  TestDevice,
  uniqueEmail,
} from '../../server/test/support/index.js';
import { BIN, type ServeProcess, startServe } from './cli-process.js';

/** What the backup tests share: servers on either storage, ledgers filled over HTTP, bootstraps. */

export const canary = () => `CANARY-${randomBytes(8).toString('hex')}`;

const dirs: string[] = [];
export const tempDir = (tag = 'backup') => {
  const dir = mkdtempSync(join(tmpdir(), `kakeibo-cli-${tag}-`));
  dirs.push(dir);
  return dir;
};
export const removeTempDirs = () => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
};

/** Every regular file under a directory, recursively. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : entry.isFile() ? [path] : [];
  });
}

/**
 * A server's storage as the CLI names it: a data directory with its key file outside it (SQLite),
 * or a fresh PostgreSQL database with a master key in the environment. `args`/`env` open it.
 */
export interface StorageUnderTest {
  kind: 'sqlite' | 'postgres';
  args: string[];
  env: Record<string, string>;
  drop(): Promise<void>;
}

export async function newStorage(kind: 'sqlite' | 'postgres', keyFile?: string): Promise<StorageUnderTest> {
  if (kind === 'sqlite') {
    const root = tempDir('sqlite');
    return {
      kind,
      args: ['--data', join(root, 'data'), '--key-file', keyFile ?? join(root, 'master.key')],
      env: {},
      drop: async () => undefined,
    };
  }
  const db: TestDatabase = await createTestDatabase();
  return {
    kind,
    args: [],
    env: { KAKEIBO_DATABASE_URL: db.url, KAKEIBO_MASTER_KEY: randomBytes(32).toString('base64') },
    drop: () => db.drop(),
  };
}

export const serveOn = (storage: StorageUnderTest) =>
  startServe(storage.args, { ...storage.env, KAKEIBO_LOG_LEVEL: 'warn' });

/**
 * `kakeibo backup …` as a process; the output of both streams and the exit code. Asynchronous: the
 * S3 and WebDAV servers it talks to run in this test's own process.
 */
export function backupCli(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [BIN, 'backup', ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** The same, killed with SIGKILL after `afterMs`; resolves with whether it had finished by itself. */
export function backupCliKilled(args: string[], env: Record<string, string>, afterMs: number) {
  return new Promise<{ finished: boolean; code: number | null }>((resolve) => {
    const child: ChildProcess = spawn(process.execPath, [BIN, 'backup', ...args], {
      env: { ...process.env, ...env },
      stdio: 'ignore',
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), afterMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ finished: signal === null, code });
    });
  });
}

/** One account's phone: signs up, then writes expenses (with a canary payee) through the HTTP API. */
export class Phone {
  readonly rows: string[] = [];
  private constructor(
    readonly device: TestDevice,
    readonly email: string,
    readonly payee: string,
  ) {}

  static async signUp(server: ServeProcess, payee = canary()): Promise<Phone> {
    const device = await TestDevice.create(server.url);
    const email = uniqueEmail('backup');
    const reply = await device.signUp(email, PASSWORD);
    if (reply.status !== 201) throw new Error(`sign-up failed: ${JSON.stringify(reply.body)}`);
    return new Phone(device, email, payee);
  }

  /** Another device of the same account, writing with the same canary payee. */
  static async signIn(server: ServeProcess, of: Phone): Promise<Phone> {
    const device = await TestDevice.create(server.url, { name: 'second phone' });
    const reply = await device.signIn(of.email, PASSWORD);
    if (reply.status !== 200) throw new Error(`sign-in failed: ${JSON.stringify(reply.body)}`);
    return new Phone(device, of.email, of.payee);
  }

  /** Points the phone at a server again (a restart gives a new port). */
  moveTo(server: ServeProcess): void {
    (this.device as { baseUrl: string }).baseUrl = server.url;
  }

  async add(count: number): Promise<void> {
    for (let start = 0; start < count; start += 1000) {
      const ops = [];
      for (let i = start; i < Math.min(count, start + 1000); i++) {
        const rowId = uuidv7();
        this.rows.push(rowId);
        ops.push(
          this.device.op(
            'expenses',
            rowId,
            exampleExpense({ amount: 100 + i, payee: this.payee, note: this.payee }),
          ),
        );
      }
      await this.push(ops);
    }
  }

  /** Changes the amount of `count` rows from `from` on, and deletes `deletes` more after them. */
  async edit(from: number, count: number, deletes = 0): Promise<void> {
    const ids = this.rows.slice(from, from + count + deletes);
    const ops = ids.map((rowId, i) =>
      this.device.op('expenses', rowId, i < count ? { amount: 7_000 + from + i } : { deleted: true }),
    );
    await this.push(ops);
  }

  private async push(ops: ReturnType<TestDevice['op']>[]): Promise<void> {
    const reply = await this.device.push(ops);
    const refused = reply.body.acks?.filter((a) => a.status !== 'applied') ?? [reply.body];
    if (reply.status !== 200 || refused.length) throw new Error(`push failed: ${JSON.stringify(refused[0])}`);
  }
}

/** What a brand-new device of the account gets: every row of a snapshot, the server's checksum and one summed from the rows. */
export interface Bootstrap {
  rows: string[];
  head: number;
  serverChecksum: string;
  rowsChecksum: string;
}

export async function bootstrap(url: string, email: string): Promise<Bootstrap> {
  const device = await TestDevice.create(url, { name: 'fresh device' });
  const signIn = await device.signIn(email, PASSWORD);
  if (signIn.status !== 200) throw new Error(`sign-in failed: ${JSON.stringify(signIn.body)}`);
  const rows: PackedRowMessage[] = [];
  let cursor: string | null = null;
  let watermark: number | undefined;
  do {
    const query = new URLSearchParams({ limit: '1000' });
    if (cursor) query.set('cursor', cursor);
    if (watermark !== undefined) query.set('watermark', String(watermark));
    const page = await device.request<{
      watermark: number;
      rows: PackedRowMessage[];
      nextCursor: string | null;
    }>('GET', `/v1/sync/snapshot?${query}`);
    if (page.status !== 200) throw new Error(`snapshot failed: ${JSON.stringify(page.body)}`);
    rows.push(...page.body.rows);
    watermark = page.body.watermark;
    cursor = page.body.nextCursor;
  } while (cursor);
  const checksum = await device.request<{ seq: number; total: string }>('GET', '/v1/sync/checksum');
  const sums = new StateChecksum();
  for (const r of rows)
    for (const [field, { value, stamp }] of Object.entries(unpackRow(r.packed)))
      sums.apply(r.table, r.rowId, field, stamp, value, 1);
  return {
    rows: rows.map((r) => `${r.table}/${r.rowId}/${r.packed}`).sort(),
    head: checksum.body.seq,
    serverChecksum: checksum.body.total,
    rowsChecksum: sums.total(),
  };
}

/** Whether `needle` appears in any file under `dir` (as UTF-8 or UTF-16). */
export function anyFileContains(dir: string, needle: string): string | undefined {
  return filesUnder(dir).find((file) => {
    const bytes = readFileSync(file);
    return bytes.includes(Buffer.from(needle, 'utf8')) || bytes.includes(Buffer.from(needle, 'utf16le'));
  });
}

/** The instant after `t`: waits (without asserting anything about time) until the clock has moved past it. */
export async function pastMoment(t: number): Promise<void> {
  while (Date.now() <= t + 1) await new Promise((resolve) => setTimeout(resolve, 2));
}
