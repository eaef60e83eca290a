import { createHmac, hkdfSync } from 'node:crypto';
import { openText, sealText } from '../crypto/envelope.js';
import { PLAIN, type Sealer } from './ledger-keys.js';

/**
 * How the storage keeps what identifies a person outside any ledger: the e-mail address. Accounts
 * are found by a keyed hash of the normalised address (HMAC-SHA-256), never by the address itself,
 * and the address is kept sealed (PostgreSQL) so a dump of the database does not list who uses it.
 * Both keys are derived from the storage's own key with HKDF, each for its one purpose.
 */
export interface AccountKeys {
  /** The lookup key of a normalised address: equal addresses, equal keys; nothing else learnt. */
  emailIndex(normalisedEmail: string): string;
  /** Seals the address itself (associated data: the user id); plain where the file is encrypted whole. */
  readonly emails: Sealer;
}

const derive = (key: Buffer, purpose: string) =>
  Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), `kakeibo/storage/${purpose}`, 32));

/**
 * `storageKey` is SQLite's file key or PostgreSQL's key-wrapping key; `sealColumns` says whether
 * values are sealed one by one (PostgreSQL) or the whole file is encrypted (SQLite).
 */
export function accountKeys(storageKey: Buffer, sealColumns: boolean): AccountKeys {
  const indexKey = derive(storageKey, 'email-index');
  const sealKey = derive(storageKey, 'email-seal');
  return {
    emailIndex: (email) => createHmac('sha256', indexKey).update(email, 'utf8').digest('base64url'),
    emails: sealColumns
      ? {
          seal: (aad, plaintext) => sealText(sealKey, aad, plaintext),
          open: (aad, stored) => openText(sealKey, aad, stored),
        }
      : PLAIN,
  };
}

/** Where a user's sealed address is bound: copied to another row, it no longer opens. */
export const emailPlace = (userId: string) => `users.email:${userId}`;
