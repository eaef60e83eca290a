import { KakeiboError, requireKeyBytes } from '@kakeibo/core';
import type { Kysely } from 'kysely';
import { generateDataKey, openText, sealText, unwrapKey, wrapKey } from '../crypto/envelope.js';
import type { Database } from './schema.js';

/** Turns a JSON text into what is stored, and back; `aad` names the value's place. */
export interface Sealer {
  seal(aad: string, plaintext: string): string;
  open(aad: string, stored: string): string;
}

/** Where the whole database file is encrypted (SQLite), values are stored as they are. */
export const PLAIN: Sealer = {
  seal: (_aad, plaintext) => plaintext,
  open: (_aad, stored) => stored,
};

/** Enough for every active ledger of a large instance; 32 bytes each. */
const MAX_CACHED_KEYS = 50_000;

/**
 * Per-ledger data keys for column encryption (PostgreSQL). A key is generated with the ledger,
 * stored only wrapped by the master key, and unwrapped once per process into a bounded cache.
 */
export class LedgerKeys {
  private readonly cache = new Map<string, Sealer>();

  constructor(private readonly masterKey: Buffer) {
    requireKeyBytes(masterKey, { name: 'master key', code: 'storage.bad_key' });
  }

  /**
   * A fresh data key for a new ledger, wrapped for storage in ledgers.wrapped_key. `keep` caches it
   * once the ledger is committed (a refused sign-up leaves nothing behind).
   */
  newWrappedKey(ledgerId: string): { wrapped: string; keep: () => void } {
    const dataKey = generateDataKey();
    return {
      wrapped: wrapKey(this.masterKey, dataKey, ledgerId),
      keep: () => this.remember(ledgerId, dataKey),
    };
  }

  async sealer(db: Kysely<Database>, ledgerId: string): Promise<Sealer> {
    const cached = this.cache.get(ledgerId);
    if (cached) return cached;
    const ledger = await db
      .selectFrom('ledgers')
      .select('wrapped_key')
      .where('id', '=', ledgerId)
      .executeTakeFirst();
    if (!ledger) throw ledgerNotFound(ledgerId);
    if (!ledger.wrapped_key) {
      throw new KakeiboError('storage.missing_key', `Ledger ${ledgerId} has no data key.`, { ledgerId });
    }
    return this.remember(ledgerId, unwrapKey(this.masterKey, ledger.wrapped_key, ledgerId));
  }

  forget(ledgerId: string): void {
    this.cache.delete(ledgerId);
  }

  private remember(ledgerId: string, key: Buffer): Sealer {
    if (this.cache.size >= MAX_CACHED_KEYS) {
      // Maps iterate in insertion order: drop the oldest entry.
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    const sealer: Sealer = {
      seal: (aad, plaintext) => sealText(key, aad, plaintext),
      open: (aad, stored) => openText(key, aad, stored),
    };
    this.cache.set(ledgerId, sealer);
    return sealer;
  }
}

export const ledgerNotFound = (ledgerId: string) =>
  new KakeiboError('storage.ledger_not_found', `No ledger ${ledgerId}.`, { ledgerId });
