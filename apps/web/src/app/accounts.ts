import type { AccountBalance, Kakeibo, MaterializedRow } from '@kakeibo/client/browser';
import { today } from '../lib/dates.js';
import { useLive } from './kakeibo.js';

export const ACCOUNT_KINDS = [
  { value: 'cash', label: 'Cash' },
  { value: 'checking', label: 'Checking' },
  { value: 'savings', label: 'Savings' },
  { value: 'credit', label: 'Credit card' },
  { value: 'other', label: 'Other' },
] as const;
export type AccountKind = (typeof ACCOUNT_KINDS)[number]['value'];

export const kindLabel = (kind: string) => ACCOUNT_KINDS.find((k) => k.value === kind)?.label ?? kind;

export interface AccountRow {
  id: string;
  name: string;
  kind: AccountKind;
  currency: string;
  openingBalance: number;
  openingDate: string;
  institution: string | null;
  archived: boolean;
  /** Today's balance; null for an account that opens on a later day. */
  balance: number | null;
  /** What concurrent edits left in another currency (see kb.accounts.balances). */
  leftOut: AccountBalance['leftOut'];
}

/**
 * Every account with today's balance (the person's local day), by name. Balances are read from the
 * account and every table that moves money, so they follow entries, transfers and synced rows.
 */
async function loadAccounts(kb: Kakeibo): Promise<AccountRow[]> {
  const rows: MaterializedRow[] = [];
  let cursor: string | undefined;
  do {
    const page = await kb.accounts.list({ limit: 500, ...(cursor && { cursor }) });
    rows.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  const balances = new Map((await kb.accounts.balances({ asOf: today() })).map((b) => [b.accountId, b]));
  return rows
    .map((row) => {
      const balance = balances.get(row.id);
      return {
        id: row.id,
        name: String(row.name),
        kind: row.kind as AccountKind,
        currency: String(row.currency),
        openingBalance: Number(row.openingBalance),
        openingDate: String(row.openingDate),
        institution: typeof row.institution === 'string' && row.institution ? row.institution : null,
        archived: row.archived === true,
        balance: balance ? balance.balance : null,
        leftOut: balance?.leftOut ?? [],
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name) || (a.id < b.id ? -1 : 1));
}

export function useAccounts() {
  const live = useLive(loadAccounts, ['accounts', 'expenses', 'income', 'transfers'], []);
  const list = live.data ?? [];
  return {
    list,
    open: list.filter((a) => !a.archived),
    byId: new Map(list.map((a) => [a.id, a])),
    loaded: live.data !== undefined,
  };
}
