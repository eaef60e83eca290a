import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { uuidv7 } from '@kakeibo/core';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  exampleExpense,
  PASSWORD,
  TestDevice,
  uniqueEmail,
} from '../../server/test/support/index.js';
import { BIN, runCli, startServe } from './cli-process.js';

/** Every regular file under a directory, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'kakeibo-cli-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const canary = () => `CANARY-${randomBytes(8).toString('hex')}`;

describe('kakeibo serve (embedded SQLite default)', () => {
  it('serves, keeps a canary payee out of every data file and every log line, and administers users', async () => {
    const data = join(tempDir(), 'data');
    // At debug every request is logged: the payee must stay out of those lines too.
    const server = await startServe(['--data', data], { KAKEIBO_LOG_LEVEL: 'debug' });
    try {
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      const key = statSync(join(data, 'master.key'));
      expect(key.mode & 0o777).toBe(0o600);
      expect(server.output()).toContain('inside the data directory');

      const email = uniqueEmail('cli');
      const phone = await TestDevice.create(server.url);
      expect((await phone.signUp(email, PASSWORD)).status).toBe(201);
      const payee = canary();
      const push = await phone.push([phone.op('expenses', uuidv7(), exampleExpense({ payee, note: payee }))]);
      expect(push.body.acks[0]?.status).toBe('applied');
      const read = await phone.request('GET', '/v1/expenses');
      expect(JSON.stringify(read.body)).toContain(payee);

      const listed = runCli(['user', 'list', '--data', data]);
      expect(listed.status).toBe(0);
      expect(listed.stdout).toContain(email);
      expect(listed.stdout).toContain('active');

      // Disabling from the CLI ends the account's sessions in the running server at once.
      const disabled = runCli(['user', 'disable', email, '--data', data]);
      expect(disabled.status).toBe(0);
      const refused = await phone.request('GET', '/v1/devices');
      expect([refused.status, refused.body.code]).toEqual([401, 'auth.device_revoked']);
      const again = await (await TestDevice.create(server.url)).signIn(email, PASSWORD);
      expect([again.status, again.body.code]).toEqual([403, 'auth.account_disabled']);
      expect(runCli(['user', 'list', '--data', data]).stdout).toContain('disabled');
      expect(runCli(['user', 'enable', email, '--data', data]).status).toBe(0);
      expect((await (await TestDevice.create(server.url)).signIn(email, PASSWORD)).status).toBe(200);

      for (const file of filesUnder(data)) expect(readFileSync(file).includes(payee), file).toBe(false);
      expect(await server.stop()).toBe(0);
      for (const file of filesUnder(data)) expect(readFileSync(file).includes(payee), file).toBe(false);
      expect(server.output()).toMatch(/"url":"\/v1\/expenses".*"msg":"GET \/v1\/expenses 200 \d+ ms"/); // it does log requests…
      expect(server.output()).not.toContain(payee); // …but never their contents
    } finally {
      await server.stop();
    }
  });

  it('logs, at its default level, what went wrong rather than every request', async () => {
    const server = await startServe(['--data', join(tempDir(), 'data')], { KAKEIBO_LOG_LEVEL: 'info' }); // the default
    try {
      for (let i = 0; i < 5; i++) expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      expect((await fetch(`${server.url}/v1/devices`)).status).toBe(401);
      await expect.poll(() => server.output()).toMatch(/"msg":"GET \/v1\/devices 401 \d+ ms"/);
      expect(server.output()).not.toContain('healthz');
      expect(server.output()).not.toContain('incoming request');
    } finally {
      await server.stop();
    }
  });

  it('writes readable lines instead of JSON on a terminal', async () => {
    // `script` (util-linux, in every Debian) runs the server on a pseudo-terminal and keeps its output.
    const dir = tempDir();
    const out = join(dir, 'terminal.txt');
    const command = `${process.execPath} ${BIN} serve --port 0 --data ${join(dir, 'data')}`;
    const child = spawn('script', ['-qfc', command, out], {
      env: { ...process.env, KAKEIBO_LOG_LEVEL: 'info' },
      stdio: 'ignore',
    });
    try {
      const printed = () => (existsSync(out) ? readFileSync(out, 'utf8') : '');
      await expect.poll(printed, { timeout: 30_000 }).toMatch(/serving on http:\/\/\S+/);
      const url = /serving on (http:\/\/\S+)/.exec(printed())?.[1] as string;
      expect((await fetch(`${url}/v1/devices`)).status).toBe(401);
      await expect.poll(printed).toMatch(/\[\d\d:\d\d:\d\d\] .*INFO.*GET \/v1\/devices 401 \d+ ms/);
      expect(printed()).not.toContain('{"level"');
    } finally {
      child.kill('SIGTERM');
    }
  });
  it('serves TLS with a self-signed certificate and sends HSTS', async () => {
    const server = await startServe(['--data', join(tempDir(), 'data'), '--tls-self-signed']);
    try {
      expect(server.url).toMatch(/^https:\/\//);
      const reply = await new Promise<{ status: number; hsts: string | undefined }>((resolve, reject) => {
        request(`${server.url}/healthz`, { rejectUnauthorized: false }, (res) => {
          res.resume();
          resolve({
            status: res.statusCode ?? 0,
            hsts: res.headers['strict-transport-security'] as string | undefined,
          });
        })
          .on('error', reject)
          .end();
      });
      expect(reply.status).toBe(200);
      expect(reply.hsts).toContain('max-age=');
    } finally {
      await server.stop();
    }
  });

  it('answers bad arguments with one line and a non-zero exit', () => {
    const cases: Array<[string[], RegExp]> = [
      [['frobnicate'], /^kakeibo: unknown command "frobnicate"/],
      [['serve', '--port', 'eighty'], /^kakeibo: invalid option port/],
      [['serve', '--bogus'], /^kakeibo: Unknown option '--bogus'/],
      [
        ['serve', '--audit-retention-days', '0'],
        /^kakeibo: invalid option auditRetentionDays: must be at least 1 day/,
      ],
      [
        ['serve', '--audit-retention-days', '7.5'],
        /^kakeibo: invalid option auditRetentionDays: must be a whole/,
      ],
      [['user', 'disable'], /^kakeibo: missing EMAIL \(usage: kakeibo user/],
      [['user', 'disable', 'not-an-email', '--data', tempDir()], /^kakeibo: not an email address/],
      [['user', 'disable', 'nobody@example.com', '--data', tempDir()], /^kakeibo: No user with the email/],
    ];
    for (const [args, message] of cases) {
      const result = runCli(args);
      expect(result.status, args.join(' ')).not.toBe(0);
      expect(result.stderr.trim().split('\n').at(-1)).toMatch(message);
      expect(result.stderr).not.toContain('    at '); // no stack traces
    }
    const bad = runCli(['serve', '--data', tempDir()], { KAKEIBO_MASTER_KEY: 'too-short' });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/^kakeibo: .*master key/im);
  });
});

describe('kakeibo serve on PostgreSQL (KAKEIBO_DATABASE_URL)', () => {
  it('keeps a canary payee out of a pg_dump and out of the logs', async () => {
    const db = await createTestDatabase();
    const server = await startServe(['--data', join(tempDir(), 'data')], {
      KAKEIBO_DATABASE_URL: db.url,
      KAKEIBO_MASTER_KEY: randomBytes(32).toString('base64'),
    });
    try {
      const health = (await (await fetch(`${server.url}/healthz`)).json()) as { storage: string };
      expect(health.storage).toBe('postgres');
      const phone = await TestDevice.create(server.url);
      await phone.signUp(uniqueEmail('pg'), PASSWORD);
      const payee = canary();
      const rowId = uuidv7();
      await phone.push([phone.op('expenses', rowId, exampleExpense({ payee }))]);
      const read = await phone.request('GET', `/v1/expenses/${rowId}`);
      expect(read.body.payee).toBe(payee);
      const dump = execFileSync('pg_dump', ['--no-owner', db.url], {
        maxBuffer: 64 * 1024 * 1024,
      }).toString();
      expect(dump).toContain('op_log'); // the dump is real and has our tables…
      expect(dump).not.toContain(payee); // …but the payee is sealed
      await server.stop();
      expect(server.output()).not.toContain(payee);
    } finally {
      await server.stop();
      await db.drop();
    }
  });
});
