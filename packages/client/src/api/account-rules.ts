import { type FieldValue, KakeiboError, transferProblem } from '@kakeibo/core';
import type { CollectionStore, MaterializedRow } from '../store/types.js';

/**
 * The rules that span rows, checked whenever an entry or a transfer is written on this device:
 * the accounts it names exist and are open, and its amounts are in their accounts' currencies, so
 * that every balance is one exact sum. (Rows that arrive by sync are stored as they are; balances
 * report what does not fit instead of miscounting it.)
 */

type Values = Readonly<Record<string, FieldValue>>;

const refused = (message: string, path: string) =>
  new KakeiboError('validation.failed', message, { issues: [{ path, message }] });

/** Looks each named account up once per write (an import names the same few thousands of times). */
function accountLookup(store: Pick<CollectionStore, 'get'>) {
  const seen = new Map<string, Promise<MaterializedRow | null>>();
  return async (id: string, path: string): Promise<MaterializedRow> => {
    let found = seen.get(id);
    if (!found) {
      found = store.get('accounts', id);
      seen.set(id, found);
    }
    const account = await found;
    if (!account || account.deleted) throw refused(`${path}: there is no account ${id}.`, path);
    if (account.archived === true) {
      throw refused(`${path}: the account "${account.name}" is archived; reopen it to record in it.`, path);
    }
    return account;
  };
}

function sameCurrency(
  account: MaterializedRow,
  currency: FieldValue | undefined,
  path: string,
  field: string,
) {
  if (account.currency !== currency) {
    throw refused(
      `${field}: the account "${account.name}" is kept in ${String(account.currency)}, not ${String(currency)}; record it in ${String(account.currency)}.`,
      field === 'currency' ? path : field,
    );
  }
}

/** Whether an update changes nothing a balance depends on (then the rules have nothing to check). */
const leavesBalances = (changed: ReadonlySet<string> | undefined, fields: readonly string[]) =>
  changed !== undefined && !fields.some((field) => changed.has(field));

const ENTRY_FIELDS = ['accountId', 'amount', 'currency', 'date'];
const TRANSFER_FIELDS = [
  'fromAccountId',
  'toAccountId',
  'amount',
  'currency',
  'toAmount',
  'toCurrency',
  'date',
];

/**
 * Expenses and income: an account, when named, exists, is open and shares the entry's currency.
 * An edit of only the payee, note or tags is not checked: it moves no balance, so an entry of an
 * archived account can still be corrected.
 */
export const verifyEntries =
  (store: Pick<CollectionStore, 'get'>) =>
  async (rows: readonly Values[], changed?: ReadonlySet<string>): Promise<void> => {
    if (leavesBalances(changed, ENTRY_FIELDS)) return;
    const account = accountLookup(store);
    for (const row of rows) {
      if (typeof row.accountId !== 'string') continue;
      sameCurrency(await account(row.accountId, 'accountId'), row.currency, 'accountId', 'currency');
    }
  };

/** Transfers: two different open accounts, each side in its own account's currency. */
export const verifyTransfers =
  (store: Pick<CollectionStore, 'get'>) =>
  async (rows: readonly Values[], changed?: ReadonlySet<string>): Promise<void> => {
    if (leavesBalances(changed, TRANSFER_FIELDS)) return;
    const account = accountLookup(store);
    for (const row of rows) {
      const problem = transferProblem({
        fromAccountId: String(row.fromAccountId),
        toAccountId: String(row.toAccountId),
        currency: String(row.currency),
        toAmount: (row.toAmount as number | null | undefined) ?? null,
        toCurrency: (row.toCurrency as string | null | undefined) ?? null,
      });
      if (problem) throw refused(`${problem.path}: ${problem.message}.`, problem.path);
      const from = await account(String(row.fromAccountId), 'fromAccountId');
      const to = await account(String(row.toAccountId), 'toAccountId');
      sameCurrency(from, row.currency, 'fromAccountId', 'currency');
      const arriving = (row.toCurrency as string | null | undefined) ?? row.currency;
      if (to.currency !== arriving) {
        throw refused(
          `toCurrency: the account "${to.name}" is kept in ${String(to.currency)}: give toAmount and toCurrency as ${String(to.currency)} arrived.`,
          'toCurrency',
        );
      }
    }
  };
