import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fromBase64, KakeiboError, KEY_BYTES, toBase64 } from '@kakeibo/core';
import { newDataKey, parseWrappedKey, unwrapWithSecret, wrapWithSecret } from '../crypto/local-key.js';

export interface LocalKeyOptions {
  dataDir: string;
  /** A person's secret (passphrase): the key is stored wrapped by it, beside the data. */
  secret?: string;
  /** Without a secret: where the raw key lives, outside dataDir (default under ~/.config/kakeibo/keys). */
  keyFile?: string;
}

/** One key file per data directory, named by a hash of its absolute path, in the user's own config. */
export function defaultKeyFile(dataDir: string): string {
  const base = process.env.KAKEIBO_CLIENT_KEY_DIR ?? join(homedir(), '.config', 'kakeibo', 'keys');
  const id = createHash('sha256').update(resolve(dataDir)).digest('hex').slice(0, 24);
  return join(base, `${id}.key`);
}

function writeSecretFile(path: string, content: string) {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, content, { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
}

/**
 * The local database key for Node. With a secret: wrapped by it in dataDir/store-key.json. Without:
 * a raw key file readable only by the user, kept OUTSIDE dataDir, so a copy of the data directory
 * (a backup, a synced folder) never carries the key that opens it.
 */
export async function loadLocalKey(options: LocalKeyOptions): Promise<Uint8Array> {
  const dataDir = resolve(options.dataDir);
  if (options.secret !== undefined) {
    const file = join(dataDir, 'store-key.json');
    if (existsSync(file))
      return unwrapWithSecret(parseWrappedKey(readFileSync(file, 'utf8'), file), options.secret);
    const key = newDataKey();
    writeSecretFile(file, JSON.stringify(await wrapWithSecret(key, options.secret)));
    return key;
  }
  const keyFile = resolve(options.keyFile ?? defaultKeyFile(dataDir));
  if (keyFile.startsWith(`${dataDir}/`)) {
    throw new KakeiboError(
      'store.key_beside_data',
      'The local key file must not be inside the data directory it protects: choose another keyFile or give a secret.',
    );
  }
  if (existsSync(keyFile)) {
    const key = fromBase64(readFileSync(keyFile, 'utf8').trim());
    if (key?.length !== KEY_BYTES)
      throw new KakeiboError('store.bad_key', `The local key file ${keyFile} is damaged.`);
    return key;
  }
  const key = newDataKey();
  writeSecretFile(keyFile, toBase64(key));
  return key;
}
