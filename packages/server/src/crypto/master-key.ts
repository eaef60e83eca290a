import { hkdfSync, randomBytes } from 'node:crypto';
import { link, mkdir, open, realpath, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { KakeiboError, KEY_BYTES } from '@kakeibo/core';

/**
 * The server's master key: 32 random bytes from which every other server key is derived (`deriveSubkey`),
 * so it is the one secret an operator must keep and back up.
 *
 * Where it comes from, in order:
 * 1. `KAKEIBO_MASTER_KEY` (base64 of 32 bytes), for containers and secret managers — recommended, since
 *    the key then never sits on the same disk as the data;
 * 2. the key file (base64 text), which must be readable by its owner only;
 * 3. neither: a new key is generated into the key file (mode 0600, parent directory 0700), once.
 */
export const MASTER_KEY_BYTES = KEY_BYTES;

export const MASTER_KEY_ENV = 'KAKEIBO_MASTER_KEY';

const GENERATE_HINT = 'generate one with `openssl rand -base64 32`';

export interface LoadMasterKeyOptions {
  /** The value of `KAKEIBO_MASTER_KEY`, or undefined when it is not set. */
  envValue?: string;
  /** Where the key is read from, or generated into when it does not exist. */
  keyFile: string;
  /** The data directory the key protects; a key file inside it earns a warning. */
  dataDir?: string;
  /** Receives warnings and notices meant for the operator. Never receives the key. */
  log?: (msg: string) => void;
  /** Generate a key when there is none (serve's first start); false: a missing key is an error (backups). */
  generate?: boolean;
}

export interface LoadedMasterKey {
  key: Buffer;
  source: 'env' | 'file' | 'generated';
  warnings: string[];
}

/**
 * Loads (or, the first time, generates) the master key. Throws `config.bad_master_key` for a key that is
 * not base64 of exactly 32 bytes and `config.key_file_permissions` for a key file that group or others
 * may access. Error messages never contain the key.
 */
export async function loadMasterKey(opts: LoadMasterKeyOptions): Promise<LoadedMasterKey> {
  const warnings: string[] = [];
  const warn = (message: string): void => {
    warnings.push(message);
    opts.log?.(message);
  };

  if (opts.envValue !== undefined) {
    if (opts.envValue.trim() === '') {
      throw new KakeiboError(
        'config.bad_master_key',
        `${MASTER_KEY_ENV} is set but empty: set it to the base64 of 32 random bytes (${GENERATE_HINT}), or unset it to use the key file ${opts.keyFile}.`,
        { source: 'env' },
      );
    }
    return { key: decodeKey(opts.envValue, 'env', MASTER_KEY_ENV), source: 'env', warnings };
  }

  const keyFile = resolve(opts.keyFile);
  let key = await readKeyFile(keyFile);
  let source: LoadedMasterKey['source'] = 'file';
  if (!key && opts.generate === false) {
    throw new KakeiboError(
      'config.missing_master_key',
      `There is no master key file at ${keyFile}: give the server's key with --key-file or ${MASTER_KEY_ENV}.`,
      { path: keyFile },
    );
  }
  if (!key) {
    try {
      key = await generateKeyFile(keyFile);
    } catch (error) {
      throw new KakeiboError(
        'config.key_file_unwritable',
        `There is no master key file at ${keyFile} and a new one cannot be created there (${errorCode(error) ?? String(error)}): make its directory writable by the server, or provide the key through ${MASTER_KEY_ENV}.`,
        { path: keyFile },
      );
    }
    if (key) {
      source = 'generated';
      opts.log?.(
        `Generated a new master key in ${keyFile}. Back it up somewhere safe and separate from the data: without it the encrypted data, and any copy of it, cannot be read.`,
      );
    } else {
      // Another process created the key file between our read and our write: use its key.
      key = await readKeyFile(keyFile);
      if (!key) {
        throw new KakeiboError(
          'config.bad_master_key',
          `The master key file ${keyFile} vanished while it was being created.`,
          {
            path: keyFile,
          },
        );
      }
    }
  }

  if (opts.dataDir !== undefined && (await isInside(keyFile, opts.dataDir))) {
    warn(
      `The master key file ${keyFile} is inside the data directory ${resolve(opts.dataDir)}, so anyone who copies the data directory gets the key that decrypts it too: move the key file elsewhere (and back it up separately), or provide the key through ${MASTER_KEY_ENV} instead.`,
    );
  }
  return { key, source, warnings };
}

/**
 * Derives an independent 32-byte key for one purpose (HKDF-SHA256, RFC 5869, info `kakeibo/<purpose>`),
 * so the master key itself never keys two different things: knowing or misusing one subkey reveals
 * nothing about the master key or about another purpose's subkey. Use the names in `SUBKEY_PURPOSES`.
 */
export function deriveSubkey(master: Buffer, purpose: string): Buffer {
  if (master.length !== MASTER_KEY_BYTES) {
    throw new KakeiboError(
      'config.bad_master_key',
      `The master key must be exactly ${MASTER_KEY_BYTES} bytes long.`,
      {
        actualBytes: master.length,
      },
    );
  }
  if (!/^[a-z0-9][a-z0-9._:/-]*$/.test(purpose)) {
    throw new KakeiboError(
      'crypto.bad_key_purpose',
      'A subkey purpose must be a non-empty lower-case name such as "sqlite-file" or "access-token-mac".',
      { purpose },
    );
  }
  // The master key is already uniformly random, so HKDF's optional salt adds nothing (RFC 5869 §3.1).
  return Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `kakeibo/${purpose}`, 32));
}

/**
 * The purposes subkeys are derived for. Adding one is fine; renaming one changes its key (and so makes
 * what it protected unreadable), so never rename.
 */
export const SUBKEY_PURPOSES = Object.freeze({
  /** SQLCipher key of the server's SQLite database files. */
  sqliteFile: 'sqlite-file',
  /** HMAC key of access tokens. */
  accessTokenMac: 'access-token-mac',
  /** Wraps the per-account data keys (envelope encryption on PostgreSQL). */
  dataKeyWrap: 'data-key-wrap',
  /** Encrypts server backups. */
  backup: 'backup',
  /** Names the sign-in throttle's budgets (keyed hashes of e-mail addresses and client addresses). */
  throttleKeys: 'throttle-keys',
} as const);

/** Decodes strict base64 (standard or URL alphabet, padding optional) of exactly 32 bytes. */
function decodeKey(text: string, source: 'env' | 'file', where: string): Buffer {
  const trimmed = text.trim();
  const advice =
    source === 'env'
      ? GENERATE_HINT
      : 'restore the right key file from your backup (a new key cannot read data encrypted with the old one)';
  const standard = trimmed.replace(/-/g, '+').replace(/_/g, '/');
  const bytes = /^[A-Za-z0-9+/]+={0,2}$/.test(standard) ? Buffer.from(standard, 'base64') : undefined;
  // Re-encoding must give back the same text (padding optional): rejects wrong padding and non-zero
  // trailing bits, which Node's lenient decoder would otherwise silently accept.
  const canonical = bytes?.toString('base64');
  if (!bytes || (standard !== canonical && standard !== canonical?.replace(/=+$/, ''))) {
    throw new KakeiboError(
      'config.bad_master_key',
      `${where} is not valid base64: the master key must be the base64 of exactly ${MASTER_KEY_BYTES} random bytes; ${advice}.`,
      { source },
    );
  }
  if (bytes.length !== MASTER_KEY_BYTES) {
    throw new KakeiboError(
      'config.bad_master_key',
      `${where} decodes to ${bytes.length} bytes, but the master key must be exactly ${MASTER_KEY_BYTES} random bytes (44 base64 characters); ${advice}.`,
      { source, expectedBytes: MASTER_KEY_BYTES, actualBytes: bytes.length },
    );
  }
  if (bytes.every((byte) => byte === 0)) {
    throw new KakeiboError(
      'config.bad_master_key',
      `${where} is all zero bytes, a placeholder rather than a key; ${advice}.`,
      { source },
    );
  }
  return bytes;
}

/** The key in `keyFile`, or undefined when there is no such file. */
async function readKeyFile(keyFile: string): Promise<Buffer | undefined> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(keyFile, 'r');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw new KakeiboError(
      'config.bad_master_key',
      `The master key file ${keyFile} cannot be read (${errorCode(error) ?? String(error)}).`,
      { path: keyFile },
    );
  }
  try {
    // fstat on the opened file, not stat on the path, so the file checked is the file read.
    const info = await handle.stat();
    if (!info.isFile()) {
      throw new KakeiboError(
        'config.bad_master_key',
        `The master key file ${keyFile} is not a regular file.`,
        {
          path: keyFile,
        },
      );
    }
    if (process.platform !== 'win32' && (info.mode & 0o077) !== 0) {
      const mode = (info.mode & 0o777).toString(8).padStart(3, '0');
      throw new KakeiboError(
        'config.key_file_permissions',
        `The master key file ${keyFile} has mode ${mode}, so other users may read it: restrict it to its owner with \`chmod 600 ${keyFile}\`, and consider the key exposed if others could log in to this machine.`,
        { path: keyFile, mode },
      );
    }
    if (info.size > 1024) {
      throw new KakeiboError(
        'config.bad_master_key',
        `The master key file ${keyFile} is ${info.size} bytes, far more than a base64 key of ${MASTER_KEY_BYTES} bytes.`,
        { path: keyFile },
      );
    }
    const text = await handle.readFile({ encoding: 'utf8' });
    return decodeKey(text, 'file', `The master key file ${keyFile}`);
  } finally {
    await handle.close();
  }
}

/**
 * Writes a new random key to `keyFile` atomically: a temp file (flag `wx`, mode 0600) is written and
 * synced, then moved into place. The move is a hard link rather than a rename, because rename silently
 * replaces a key that another instance generated at the same moment — and data encrypted under that
 * key would be lost. Returns undefined when such a concurrent key won the race.
 */
async function generateKeyFile(keyFile: string): Promise<Buffer | undefined> {
  const dir = dirname(keyFile);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const key = randomBytes(MASTER_KEY_BYTES);
  const temp = join(dir, `.${basename(keyFile)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(`${key.toString('base64')}\n`, { encoding: 'utf8' });
    await handle.sync();
  } finally {
    await handle.close();
  }

  try {
    try {
      await link(temp, keyFile);
    } catch (error) {
      const code = errorCode(error);
      if (code === 'EEXIST') return undefined;
      // File systems without hard links: fall back to rename, guarded by an existence check.
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw error;
      if (await exists(keyFile)) return undefined;
      await rename(temp, keyFile);
    }
  } finally {
    await unlink(temp).catch(() => undefined);
  }
  await syncDirectory(dir);
  return key;
}

/** Makes the new directory entry durable; not every platform can fsync a directory, so best effort. */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Ignored: the key file itself was synced before it was linked into place.
  }
}

/** Whether `file` lies inside `dir`, comparing real paths when they exist (symlinks resolved). */
async function isInside(file: string, dir: string): Promise<boolean> {
  const realDir = await canonical(dir);
  const realFile = join(await canonical(dirname(resolve(file))), basename(file));
  const rel = relative(realDir, realFile);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

async function canonical(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch {
    return resolve(path);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

function errorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return undefined;
}
