import { createHmac, hkdfSync } from 'node:crypto';
import { deriveSubkey, SUBKEY_PURPOSES } from '../crypto/master-key.js';

/**
 * The keys of server backups, all derived from the master key: the backup key (HKDF-SHA256,
 * `kakeibo/backup`), and from it, with HKDF again, one key per piece (salted with the piece's own
 * random salt, so no two pieces share a key or a nonce sequence) and one per manifest. Names of
 * content-addressed pieces are keyed hashes, so a name says nothing about what is inside.
 */
export interface BackupKeys {
  /** 16 hex characters naming the key (not derived from anything secret but the key): "wrong key" is told apart from "tampered". */
  readonly keyId: string;
  pieceKey(salt: Buffer): Buffer;
  manifestKey(salt: Buffer): Buffer;
  /** A keyed hash of `text`, for names that must be equal exactly when the content is. */
  contentId(text: string): string;
}

const sub = (key: Buffer, salt: Buffer, info: string) =>
  Buffer.from(hkdfSync('sha256', key, salt, `kakeibo/backup/${info}`, 32));

export function backupKeys(masterKey: Buffer): BackupKeys {
  const key = deriveSubkey(masterKey, SUBKEY_PURPOSES.backup);
  const mac = (purpose: string, text: string) =>
    createHmac('sha256', sub(key, Buffer.alloc(0), purpose))
      .update(text, 'utf8')
      .digest('hex');
  return {
    keyId: mac('key-id', 'kakeibo backup key').slice(0, 16),
    pieceKey: (salt) => sub(key, salt, 'piece'),
    manifestKey: (salt) => sub(key, salt, 'manifest'),
    contentId: (text) => mac('content-id', text).slice(0, 32),
  };
}
