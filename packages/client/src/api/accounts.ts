import {
  type AccountCreate,
  AccountCreateSchema,
  type AccountKind,
  type AccountPatch,
  AccountPatchSchema,
  CalendarDateSchema,
  KakeiboError,
} from '@kakeibo/core';
import type { AccountTotal, ListQuery } from '../store/types.js';
import { Collection, type WriteContext } from './collection.js';

/** One account's balance on a day, in integer minor units of its own currency. */
export interface AccountBalance {
  accountId: string;
  name: string;
  kind: AccountKind;
  currency: string;
  archived: boolean;
  openingBalance: number;
  openingDate: string;
  asOf: string;
  /** Opening balance + income − expenses − transfers out + transfers in, from the opening date to asOf. */
  balance: number;
  /**
   * What was recorded against the account in another currency (possible only through concurrent
   * edits on two devices): not in `balance`, listed so the person can correct it.
   */
  leftOut: Array<{ kind: AccountTotal['kind']; currency: string; amount: number; count: number }>;
}

const SIGN: Record<AccountTotal['kind'], 1 | -1> = {
  income: 1,
  transfersIn: 1,
  expenses: -1,
  transfersOut: -1,
};

function exactAdd(a: number, b: number, what: string): number {
  const sum = a + b;
  if (!Number.isSafeInteger(sum)) {
    throw new KakeiboError('store.overflow', `The balance of ${what} is too large to count exactly.`);
  }
  return sum;
}

/**
 * Accounts: created, changed, archived and reopened (never deleted, so the entries that name one keep
 * their history), listed, and their balances on any day.
 */
export function accountsApi(ctx: WriteContext) {
  const accounts = new Collection<AccountCreate, AccountPatch>(
    'accounts',
    { create: AccountCreateSchema, patch: AccountPatchSchema },
    ctx,
  );

  return {
    create: (input: AccountCreate) => accounts.create(input),
    createMany: (inputs: readonly AccountCreate[]) => accounts.createMany(inputs),
    update: (id: string, patch: AccountPatch) => accounts.update(id, patch),
    /** Closes the account for new entries; it keeps its entries and its balance. */
    archive: (id: string) => accounts.update(id, { archived: true }),
    reopen: (id: string) => accounts.update(id, { archived: false }),
    get: (id: string) => accounts.get(id),
    list: (query: ListQuery = {}) => accounts.list(query),

    /**
     * Every account opened by `asOf` (default today), archived ones too, by name, with its balance that day:
     * exact integer sums from the local store, so they hold offline and match on every device.
     */
    async balances(query: { asOf?: string } = {}): Promise<AccountBalance[]> {
      const asOf = query.asOf ?? new Date(ctx.now()).toISOString().slice(0, 10);
      const checked = CalendarDateSchema.safeParse(asOf);
      if (!checked.success) {
        throw new KakeiboError('validation.failed', `asOf: ${checked.error.issues[0]?.message ?? 'invalid'}`);
      }
      const [rows, totals] = await Promise.all([accounts.listAll(), ctx.store.accountTotals(asOf)]);
      const byAccount = new Map<string, AccountTotal[]>();
      for (const total of totals) {
        const list = byAccount.get(total.accountId) ?? [];
        list.push(total);
        byAccount.set(total.accountId, list);
      }
      const balances: AccountBalance[] = [];
      for (const row of rows) {
        const openingDate = String(row.openingDate);
        if (openingDate > asOf) continue;
        const currency = String(row.currency);
        let balance = Number(row.openingBalance);
        const leftOut: AccountBalance['leftOut'] = [];
        for (const t of byAccount.get(row.id) ?? []) {
          if (t.currency !== currency) {
            leftOut.push({ kind: t.kind, currency: t.currency, amount: t.amount, count: t.count });
          } else balance = exactAdd(balance, SIGN[t.kind] * t.amount, `account ${row.id}`);
        }
        balances.push({
          accountId: row.id,
          name: String(row.name),
          kind: row.kind as AccountKind,
          currency,
          archived: row.archived === true,
          openingBalance: Number(row.openingBalance),
          openingDate,
          asOf,
          balance,
          leftOut,
        });
      }
      // By name, as a person scans a list of accounts (the id keeps equal names in a stable order).
      return balances.sort((a, b) => a.name.localeCompare(b.name) || (a.accountId < b.accountId ? -1 : 1));
    },
  };
}
