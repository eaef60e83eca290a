import type { MaterializedRow } from '@kakeibo/client/browser';
import { type AccountItem, useAccountFeed } from '../app/account-feed.js';
import { type AccountRow, kindLabel, useAccounts } from '../app/accounts.js';
import { useCategories } from '../app/categories.js';
import { useSheets } from '../app/editor.js';
import { useKakeibo } from '../app/kakeibo.js';
import { locale } from '../app/preferences.js';
import { Link } from '../app/router.js';
import { useTap } from '../app/undo.js';
import { EntryRow } from '../components/EntryRow.js';
import { dateLabel } from '../lib/dates.js';
import { money } from '../lib/money.js';

/**
 * One account: its balance today, its entries and transfers (newest first, paged), and what can be
 * done with it: add an entry or a transfer in it, edit it, archive or reopen it. An archived account
 * stays readable, with its history and balance; it only takes no new entries.
 */
export function AccountScreen({ accountId }: { accountId: string }) {
  const accounts = useAccounts();
  const account = accounts.byId.get(accountId);
  if (!accounts.loaded) return <p className="muted">Loading…</p>;
  if (!account) {
    return (
      <p className="card muted">
        There is no such account on this device. <Link to="/">Back to Home</Link>
      </p>
    );
  }
  return <AccountView account={account} accounts={accounts.byId} />;
}

function AccountView({
  account,
  accounts,
}: {
  account: AccountRow;
  accounts: ReadonlyMap<string, AccountRow>;
}) {
  const kb = useKakeibo();
  const tap = useTap();
  const sheets = useSheets();
  const lang = locale();
  const categories = useCategories();
  const feed = useAccountFeed(account.id);
  const archive = () =>
    account.archived
      ? tap('Account reopened', () => kb.accounts.reopen(account.id))
      : tap('Account archived', () => kb.accounts.archive(account.id));

  return (
    <div className="stack">
      <section className="card hero" aria-labelledby="account-name">
        <h2 id="account-name">{account.name}</h2>
        <p className="muted small">
          {kindLabel(account.kind)} · {account.currency}
          {account.institution ? ` · ${account.institution}` : ''}
        </p>
        <p className="hero-figure" data-testid="account-balance">
          {account.balance === null
            ? `Opens on ${dateLabel(account.openingDate, lang)}`
            : money(account.balance, account.currency, lang)}
        </p>
        <p className="muted small">
          Opened {dateLabel(account.openingDate, lang)} with{' '}
          {money(account.openingBalance, account.currency, lang)}
        </p>
        {account.leftOut.length > 0 && (
          <p className="warning" data-testid="account-left-out">
            Not in this balance:{' '}
            {account.leftOut
              .map((l) => `${money(l.amount, l.currency, lang)} (${l.count} in ${l.currency})`)
              .join(', ')}
            , recorded in another currency than the account's (by edits on two devices). Open those entries
            and record them in {account.currency}.
          </p>
        )}
        {account.archived && (
          <p className="warning">Archived: kept with its history and balance. Reopen it to record in it.</p>
        )}
        <div className="actions-inline">
          {!account.archived && (
            <>
              <button
                type="button"
                className="primary"
                onClick={() => sheets.entry({ kind: 'expense', accountId: account.id })}
              >
                Add an entry
              </button>
              <button
                type="button"
                className="secondary"
                onClick={() => sheets.transfer({ fromAccountId: account.id })}
              >
                Move money
              </button>
            </>
          )}
          <button type="button" className="secondary" onClick={() => sheets.account(account)}>
            Edit account
          </button>
          <button type="button" className="link-button" onClick={archive}>
            {account.archived ? 'Reopen account' : 'Archive account'}
          </button>
        </div>
      </section>

      <section className="card" aria-labelledby="account-entries">
        <h2 id="account-entries">Entries and transfers</h2>
        {feed.loaded && feed.items.length === 0 && <p className="muted">Nothing recorded in it yet.</p>}
        <ul className="entries plain" aria-label={`Entries of ${account.name}`}>
          {feed.items.map((item) => (
            <li key={`${item.kind}/${item.id}`}>
              {item.kind === 'transfer' ? (
                <TransferRow transfer={item} account={account} accounts={accounts} />
              ) : (
                <EntryRow
                  entry={item as AccountItem & { kind: 'expense' | 'income' }}
                  categories={categories.byId}
                />
              )}
            </li>
          ))}
        </ul>
        {feed.loaded && !feed.done && (
          <button type="button" className="link-button" onClick={() => void feed.loadMore()}>
            Show more
          </button>
        )}
      </section>
    </div>
  );
}

/** A transfer as one account sees it: out of it (−what left) or into it (+what arrived). */
function TransferRow({
  transfer,
  account,
  accounts,
}: {
  transfer: MaterializedRow;
  account: AccountRow;
  accounts: ReadonlyMap<string, AccountRow>;
}) {
  const sheets = useSheets();
  const lang = locale();
  const out = transfer.fromAccountId === account.id;
  const other = accounts.get(String(out ? transfer.toAccountId : transfer.fromAccountId));
  const amount = out
    ? money(Number(transfer.amount), String(transfer.currency), lang)
    : money(
        Number(transfer.toAmount ?? transfer.amount),
        String(transfer.toCurrency ?? transfer.currency),
        lang,
      );
  const note = typeof transfer.note === 'string' && transfer.note ? ` · ${transfer.note}` : '';
  return (
    <button
      type="button"
      className="entry"
      data-testid="transfer"
      onClick={() => sheets.transfer({ id: transfer.id })}
    >
      <span className="entry-dot" style={{ background: 'var(--accent)' }} aria-hidden="true" />
      <span className="entry-main">
        <span className="entry-party">
          {out ? 'Transfer to' : 'Transfer from'} {other?.name ?? 'another account'}
        </span>
        <span className="entry-meta">
          {dateLabel(String(transfer.date), lang)}
          {note}
        </span>
      </span>
      <span className={`entry-amount ${out ? '' : 'income'}`}>{out ? `−${amount}` : `+${amount}`}</span>
    </button>
  );
}
