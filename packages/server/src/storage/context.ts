import type { Kysely } from 'kysely';
import type { AccountKeys } from './account-keys.js';
import type { DialectTraits } from './dialect.js';
import { type LedgerKeys, PLAIN, type Sealer } from './ledger-keys.js';
import type { Database } from './schema.js';

/** What every storage module needs: the database, its dialect's traits and the column sealing. */
export interface StorageContext {
  readonly db: Kysely<Database>;
  readonly traits: DialectTraits;
  /** Per-ledger column encryption; null where the database file itself is encrypted. */
  readonly keys: LedgerKeys | null;
  /** The e-mail lookup key and the address's sealing (account-keys.ts). */
  readonly accounts: AccountKeys;
  /** ISO timestamp for records the storage stamps itself (createdAt, audit time). */
  now(): string;
}

export function sealerFor(ctx: StorageContext, ledgerId: string): Promise<Sealer> {
  return ctx.keys ? ctx.keys.sealer(ctx.db, ledgerId) : Promise.resolve(PLAIN);
}

/** int8 columns arrive as strings from node-pg; every value we keep there is a safe integer. */
export const int = (value: number | string | bigint): number => Number(value);
