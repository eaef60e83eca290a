import { randomBytes } from 'node:crypto';
import {
  cpSync,
  existsSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStorage } from '../../server/src/storage/index.js';
import {
  backupCli,
  newStorage,
  Phone,
  removeTempDirs,
  type StorageUnderTest,
  serveOn,
  tempDir,
} from './backup-support.js';
import type { ServeProcess } from './cli-process.js';

/**
 * What a backup does when something is wrong: damage to a stored piece or manifest, a wrong key,
 * bad arguments. `verify` names the broken piece in its last line and exits non-zero; `restore`
 * refuses and leaves no database behind. And an incremental after a small change stays small.
 */
let source: StorageUnderTest;
let server: ServeProcess;
let phone: Phone;
let dest: string;
const env = () => source.env;

beforeAll(async () => {
  source = await newStorage('sqlite');
  server = await serveOn(source);
  phone = await Phone.signUp(server);
  await phone.add(2000);
  dest = join(tempDir('dest'), 'backups');
  const full = await backupCli(['run', '--to', dest, ...source.args], env());
  expect(full.status, full.stderr).toBe(0);
  await phone.edit(100, 20); // 1 % of the rows
  const incremental = await backupCli(['run', '--to', dest, ...source.args], env());
  expect(incremental.status, incremental.stderr).toBe(0);
}, 120_000);
afterAll(async () => {
  await server?.stop();
  removeTempDirs();
});

const lastLine = (text: string) => text.trim().split('\n').at(-1) ?? '';

/** A copy of the destination with one thing done to it. */
function damaged(change: (copy: string) => string | undefined) {
  const copy = join(tempDir('damaged'), 'backups');
  cpSync(dest, copy, { recursive: true });
  return { copy, piece: change(copy) };
}

/** The biggest data piece: the full backup's. */
const fullPiece = (copy: string) => {
  const names = readdirSync(join(copy, 'pieces')).filter((n) => n.startsWith('d-'));
  return names.sort(
    (a, b) => statSync(join(copy, 'pieces', b)).size - statSync(join(copy, 'pieces', a)).size,
  )[0] as string;
};

async function expectRefused(copy: string, message: RegExp) {
  const verified = await backupCli(['verify', '--from', copy, '--key-file', source.args[3] as string]);
  expect(verified.status).toBe(1);
  expect(lastLine(verified.stderr)).toMatch(message);
  const into = join(tempDir('restore'), 'data');
  const restored = await backupCli([
    'restore',
    '--from',
    copy,
    '--data',
    into,
    '--key-file',
    source.args[3] as string,
  ]);
  expect(restored.status).toBe(1);
  expect(lastLine(restored.stderr)).toMatch(message);
  expect(existsSync(join(into, 'kakeibo.db'))).toBe(false);
}

describe('kakeibo backup: integrity', () => {
  it('keeps an incremental after a 1 % change a small fraction of the full backup', async () => {
    const listed = await backupCli(['list', '--from', dest, '--json', ...source.args], env());
    expect(listed.status, listed.stderr).toBe(0);
    const [full, incremental] = JSON.parse(listed.stdout) as Array<{
      kind: string;
      bytes: number;
      ops: number;
    }>;
    expect([full?.kind, incremental?.kind]).toEqual(['full', 'incremental']);
    expect(incremental?.ops).toBe(20);
    expect((incremental?.bytes ?? 1) / (full?.bytes ?? 1)).toBeLessThan(0.05);
  });

  it('verifies an intact backup by restoring it', async () => {
    const verified = await backupCli(['verify', '--from', dest, ...source.args], env());
    expect(verified.status, verified.stderr).toBe(0);
    expect(verified.stdout).toMatch(/verified: restored 1 accounts and 1 ledgers \(2020 ops\)/);
  });

  it('names a piece with a flipped byte as tampered', async () => {
    const { copy, piece } = damaged((c) => {
      const name = fullPiece(c);
      const file = join(c, 'pieces', name);
      const bytes = readFileSync(file);
      bytes[Math.floor(bytes.length / 2)] ^= 0x01;
      writeFileSync(file, bytes);
      return name;
    });
    await expectRefused(copy, new RegExp(`piece pieces/${piece} is tampered`));
  });

  it('names a truncated piece', async () => {
    const { copy, piece } = damaged((c) => {
      const name = fullPiece(c);
      const file = join(c, 'pieces', name);
      truncateSync(file, statSync(file).size - 100);
      return name;
    });
    await expectRefused(copy, new RegExp(`piece pieces/${piece} is truncated`));
  });

  it('names a missing piece', async () => {
    const { copy, piece } = damaged((c) => {
      const name = fullPiece(c);
      rmSync(join(c, 'pieces', name));
      return name;
    });
    await expectRefused(copy, new RegExp(`piece pieces/${piece} is missing`));
  });

  it('names a changed manifest as tampered', async () => {
    const { copy } = damaged((c) => {
      const name = readdirSync(join(c, 'manifests'))[0] as string;
      const file = join(c, 'manifests', name);
      const text = readFileSync(file, 'utf8');
      const at = text.indexOf('"sealed":"') + 20;
      writeFileSync(file, text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1));
      return name;
    });
    await expectRefused(copy, /manifest manifests\/\S+ is tampered/);
  });

  it('says "wrong key" when given another master key', async () => {
    const other = join(tempDir('key'), 'other.key');
    writeFileSync(other, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
    const verified = await backupCli(['verify', '--from', dest, '--key-file', other]);
    expect(verified.status).toBe(1);
    expect(lastLine(verified.stderr)).toMatch(
      /manifest manifests\/\S+ was written under another master key \(wrong key\)/,
    );
    const into = join(tempDir('restore'), 'data');
    const restored = await backupCli(['restore', '--from', dest, '--data', into, '--key-file', other]);
    expect(restored.status).toBe(1);
    expect(lastLine(restored.stderr)).toMatch(/wrong key/);
    expect(existsSync(join(into, 'kakeibo.db'))).toBe(false);
  });

  it('answers bad input with one plain line and a non-zero exit', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['run'], /^kakeibo: invalid option --to: /],
      [['run', '--to', 'ftp://example.com/x', ...source.args], /unknown scheme in ftp:\/\//],
      [['restore', '--from', dest], /give the target: --data NEWDIR or --database-url/],
      [['restore', '--from', dest, '--data', 'x', '--at', 'yesterday'], /--at: must be a time/],
      [
        ['restore', '--from', dest, '--data', source.args[1] as string, ...source.args.slice(2)],
        /already holds a Kakeibo database/,
      ],
      [['verify', '--from', dest, '--data', tempDir('nokey')], /There is no master key file/],
      [
        ['run', '--to', dest, '--data', tempDir('nodb'), '--key-file', source.args[3] as string],
        /There is no Kakeibo database/,
      ],
      [['frobnicate'], /^kakeibo: usage: kakeibo backup run/],
    ];
    for (const [args, message] of cases) {
      const result = await backupCli(args, env());
      expect(result.status, args.join(' ')).not.toBe(0);
      expect(result.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(result.stderr, args.join(' ')).toMatch(message);
    }
    // The source database a mistaken restore pointed at is untouched.
    expect(existsSync(join(source.args[1] as string, 'kakeibo.db'))).toBe(true);
  });

  it('refuses to serve a database whose restore did not finish', async () => {
    const data = join(tempDir('half'), 'data');
    const key = randomBytes(32).toString('base64');
    const half = await openSqliteStorageFor(data, key);
    await half.beginRestore();
    await half.close();
    await expect(
      serveOn({
        kind: 'sqlite',
        args: ['--data', data],
        env: { KAKEIBO_MASTER_KEY: key },
        drop: async () => undefined,
      }),
    ).rejects.toThrow(/holds a restore that did not finish/);
  });
});

async function openSqliteStorageFor(data: string, masterKey: string) {
  const { mkdirSync } = await import('node:fs');
  const { deriveSubkey } = await import('../../server/src/crypto/master-key.js');
  mkdirSync(data, { recursive: true });
  return openSqliteStorage({
    file: join(data, 'kakeibo.db'),
    key: deriveSubkey(Buffer.from(masterKey, 'base64'), 'sqlite-file'),
  });
}
