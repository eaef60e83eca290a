import { createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isKakeiboError, type KakeiboError } from '@kakeibo/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deriveSubkey, loadMasterKey, SUBKEY_PURPOSES } from '../src/crypto/master-key.js';

let tmp: string;

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kakeibo-master-key-'));
});

afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

const modeOf = (file: string): number => fs.statSync(file).mode & 0o777;

async function failure(promise: Promise<unknown>): Promise<KakeiboError> {
  try {
    await promise;
  } catch (error) {
    if (isKakeiboError(error)) return error;
    throw error;
  }
  throw new Error('expected a KakeiboError');
}

describe('loadMasterKey from KAKEIBO_MASTER_KEY', () => {
  it('accepts base64 of exactly 32 bytes and never touches the key file', async () => {
    const key = randomBytes(32);
    const keyFile = path.join(tmp, 'master.key');
    const loaded = await loadMasterKey({ envValue: key.toString('base64'), keyFile });
    expect(loaded.source).toBe('env');
    expect(loaded.key.equals(key)).toBe(true);
    expect(loaded.warnings).toEqual([]);
    expect(fs.existsSync(keyFile)).toBe(false);
  });

  it('tolerates surrounding whitespace and the URL-safe alphabet', async () => {
    const key = randomBytes(32);
    const keyFile = path.join(tmp, 'master.key');
    const padded = await loadMasterKey({ envValue: `  ${key.toString('base64')}\n`, keyFile });
    expect(padded.key.equals(key)).toBe(true);
    const urlSafe = await loadMasterKey({ envValue: key.toString('base64url'), keyFile });
    expect(urlSafe.key.equals(key)).toBe(true);
  });

  it.each([
    ['16 bytes', randomBytes(16).toString('base64')],
    ['33 bytes', randomBytes(33).toString('base64')],
    ['64 bytes', randomBytes(64).toString('base64')],
  ])('rejects a key of the wrong length (%s) and says how to make one', async (_label, envValue) => {
    const secret = envValue;
    const error = await failure(loadMasterKey({ envValue, keyFile: path.join(tmp, 'master.key') }));
    expect(error.code).toBe('config.bad_master_key');
    expect(error.message).toContain('KAKEIBO_MASTER_KEY');
    expect(error.message).toContain('32');
    expect(error.message).toContain('openssl rand -base64 32');
    expect(error.message).not.toContain(secret);
    expect(fs.existsSync(path.join(tmp, 'master.key'))).toBe(false);
  });

  it.each([
    ['text', 'this is not a base64 key at all!!'],
    ['hex', randomBytes(32).toString('hex')],
    ['wrong padding', `${randomBytes(32).toString('base64').slice(0, -1)}==`],
    ['non-zero trailing bits', `${Buffer.alloc(32, 7).toString('base64').slice(0, 42)}B=`],
    [
      'stray characters',
      `${randomBytes(32).toString('base64').slice(0, 20)}*${randomBytes(32).toString('base64').slice(21)}`,
    ],
    ['empty', ''],
    ['blank', '   '],
  ])('rejects a value that is not base64 of a key (%s)', async (_label, envValue) => {
    const error = await failure(loadMasterKey({ envValue, keyFile: path.join(tmp, 'master.key') }));
    expect(error.code).toBe('config.bad_master_key');
    expect(error.message).toContain('openssl rand -base64 32');
  });

  it('rejects an all-zero placeholder key', async () => {
    const error = await failure(
      loadMasterKey({ envValue: Buffer.alloc(32).toString('base64'), keyFile: path.join(tmp, 'k') }),
    );
    expect(error.code).toBe('config.bad_master_key');
  });
});

describe('loadMasterKey from the key file', () => {
  it('generates a key file with mode 0600 in a new 0700 directory, then reuses it', async () => {
    const keyFile = path.join(tmp, 'secrets', 'nested', 'master.key');
    const logged: string[] = [];
    const first = await loadMasterKey({ keyFile, log: (msg) => logged.push(msg) });
    expect(first.source).toBe('generated');
    expect(first.key).toHaveLength(32);
    expect(first.warnings).toEqual([]);
    expect(logged.join('\n')).toContain('Back it up');
    expect(logged.join('\n')).not.toContain(first.key.toString('base64'));

    expect(modeOf(keyFile)).toBe(0o600);
    expect(modeOf(path.dirname(keyFile))).toBe(0o700);
    expect(modeOf(path.join(tmp, 'secrets'))).toBe(0o700);
    expect(fs.readFileSync(keyFile, 'utf8').trim()).toBe(first.key.toString('base64'));
    // No temp file left behind.
    expect(fs.readdirSync(path.dirname(keyFile))).toEqual(['master.key']);

    const second = await loadMasterKey({ keyFile });
    expect(second.source).toBe('file');
    expect(second.key.equals(first.key)).toBe(true);
  });

  it('reads an existing 0600 key file written by the operator', async () => {
    const key = randomBytes(32);
    const keyFile = path.join(tmp, 'master.key');
    fs.writeFileSync(keyFile, `${key.toString('base64')}\n`, { mode: 0o600 });
    const loaded = await loadMasterKey({ keyFile });
    expect(loaded).toMatchObject({ source: 'file', warnings: [] });
    expect(loaded.key.equals(key)).toBe(true);
  });

  it.skipIf(process.platform === 'win32')('refuses a key file that group or others can access', async () => {
    const keyFile = path.join(tmp, 'master.key');
    fs.writeFileSync(keyFile, randomBytes(32).toString('base64'), { mode: 0o600 });
    for (const mode of [0o644, 0o640, 0o604, 0o660, 0o601]) {
      fs.chmodSync(keyFile, mode);
      const error = await failure(loadMasterKey({ keyFile }));
      expect(error.code, mode.toString(8)).toBe('config.key_file_permissions');
      expect(error.message).toContain(`chmod 600 ${keyFile}`);
      expect(error.message).toContain(mode.toString(8));
    }
    fs.chmodSync(keyFile, 0o400);
    await expect(loadMasterKey({ keyFile })).resolves.toMatchObject({ source: 'file' });
  });

  it('refuses a key file that does not hold a 32-byte key, without replacing it', async () => {
    const keyFile = path.join(tmp, 'master.key');
    fs.writeFileSync(keyFile, randomBytes(16).toString('base64'), { mode: 0o600 });
    const before = fs.readFileSync(keyFile, 'utf8');
    const error = await failure(loadMasterKey({ keyFile }));
    expect(error.code).toBe('config.bad_master_key');
    expect(error.message).toContain(keyFile);
    expect(fs.readFileSync(keyFile, 'utf8')).toBe(before);
  });

  it('warns when the key file lies inside the data directory', async () => {
    const dataDir = path.join(tmp, 'data');
    fs.mkdirSync(dataDir);
    const logged: string[] = [];
    const loaded = await loadMasterKey({
      keyFile: path.join(dataDir, 'master.key'),
      dataDir,
      log: (msg) => logged.push(msg),
    });
    expect(loaded.warnings).toHaveLength(1);
    expect(loaded.warnings[0]).toContain('inside the data directory');
    expect(loaded.warnings[0]).toContain('KAKEIBO_MASTER_KEY');
    expect(logged).toContain(loaded.warnings[0]);

    // Also on later loads of the existing file, and through a relative path.
    const again = await loadMasterKey({
      keyFile: path.relative(process.cwd(), path.join(dataDir, 'master.key')),
      dataDir,
    });
    expect(again.source).toBe('file');
    expect(again.warnings).toHaveLength(1);
  });

  it('does not warn for a key file beside (not inside) the data directory', async () => {
    const dataDir = path.join(tmp, 'data');
    fs.mkdirSync(dataDir);
    const sibling = await loadMasterKey({ keyFile: path.join(tmp, 'data-key', 'master.key'), dataDir });
    expect(sibling.warnings).toEqual([]);
    const prefixTwin = await loadMasterKey({ keyFile: path.join(tmp, 'data2', 'master.key'), dataDir });
    expect(prefixTwin.warnings).toEqual([]);
  });

  it('gives every concurrent first start the same key', async () => {
    const keyFile = path.join(tmp, 'race', 'master.key');
    const results = await Promise.all(Array.from({ length: 8 }, () => loadMasterKey({ keyFile })));
    const onDisk = Buffer.from(fs.readFileSync(keyFile, 'utf8').trim(), 'base64');
    for (const result of results) expect(result.key.equals(onDisk)).toBe(true);
    expect(results.filter((result) => result.source === 'generated')).toHaveLength(1);
    expect(fs.readdirSync(path.dirname(keyFile))).toEqual(['master.key']);
  });
});

describe('deriveSubkey', () => {
  const master = Buffer.from('00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff', 'hex');

  it('is deterministic and 32 bytes long', () => {
    const a = deriveSubkey(master, SUBKEY_PURPOSES.sqliteFile);
    const b = deriveSubkey(Buffer.from(master), 'sqlite-file');
    expect(a).toHaveLength(32);
    expect(a.equals(b)).toBe(true);
  });

  it('is HKDF-SHA256 with info kakeibo/<purpose> (pinned)', () => {
    // RFC 5869 by hand: an empty salt means HashLen zero bytes; 32 bytes of output is one block, T(1).
    const prk = createHmac('sha256', Buffer.alloc(32)).update(master).digest();
    const t1 = createHmac('sha256', prk)
      .update(Buffer.concat([Buffer.from('kakeibo/sqlite-file'), Buffer.from([1])]))
      .digest();
    const derived = deriveSubkey(master, 'sqlite-file');
    expect(derived.equals(t1)).toBe(true);
    // Pinned: changing the derivation would make every existing database and token unreadable.
    expect(derived.toString('hex')).toBe('41a4a8f503c51862f49460ad9dde0d2a40c095e090a1286e1c4f98f49601ca40');
  });

  it('separates purposes and masters, and never returns the master itself', () => {
    const purposes = Object.values(SUBKEY_PURPOSES);
    const keys = purposes.map((purpose) => deriveSubkey(master, purpose).toString('hex'));
    expect(new Set(keys).size).toBe(purposes.length);
    expect(keys).not.toContain(master.toString('hex'));
    const otherMaster = randomBytes(32);
    expect(deriveSubkey(otherMaster, 'sqlite-file').equals(deriveSubkey(master, 'sqlite-file'))).toBe(false);
  });

  it('rejects a master key of the wrong size and an empty purpose', () => {
    expect(() => deriveSubkey(randomBytes(16), 'sqlite-file')).toThrowError(
      expect.objectContaining({ code: 'config.bad_master_key' }),
    );
    expect(() => deriveSubkey(master, '')).toThrowError(
      expect.objectContaining({ code: 'crypto.bad_key_purpose' }),
    );
  });
});
