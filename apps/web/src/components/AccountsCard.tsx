import { type AccountRow, kindLabel, useAccounts } from '../app/accounts.js';
import { useSheets } from '../app/editor.js';
import { locale } from '../app/preferences.js';
import { accountPath, Link } from '../app/router.js';
import { dateLabel } from '../lib/dates.js';
import { money } from '../lib/money.js';

/**
 * Home's accounts: each open account with today's balance, a tap into its page; archived accounts
 * apart, still readable; adding an account and moving money between two.
 */
export function AccountsCard() {
  const accounts = useAccounts();
  const sheets = useSheets();
  const archived = accounts.list.filter((a) => a.archived);
  return (
    <section className="card" aria-labelledby="accounts-heading">
      <div className="card-head">
        <h2 id="accounts-heading">Accounts</h2>
        {accounts.open.length >= 2 && (
          <button type="button" className="link-button" onClick={() => sheets.transfer({})}>
            Move money
          </button>
        )}
      </div>
      {accounts.loaded && accounts.list.length === 0 && (
        <p className="muted">Add your bank accounts, cards and cash to see what each holds.</p>
      )}
      <AccountList accounts={accounts.open} label="Open accounts" />
      {archived.length > 0 && (
        <>
          <h3 className="subhead">Archived</h3>
          <AccountList accounts={archived} label="Archived accounts" />
        </>
      )}
      <button type="button" className="link-button" onClick={() => sheets.account()}>
        Add an account
      </button>
    </section>
  );
}

function AccountList({ accounts, label }: { accounts: readonly AccountRow[]; label: string }) {
  const lang = locale();
  if (accounts.length === 0) return null;
  return (
    <ul className="plain account-list" aria-label={label}>
      {accounts.map((a) => {
        const balance =
          a.balance === null ? `opens ${dateLabel(a.openingDate, lang)}` : money(a.balance, a.currency, lang);
        return (
          <li key={a.id}>
            <Link to={accountPath(a.id)} className="account-line">
              <span className="entry-main">
                <span className="entry-party">{a.name}</span>
                <span className="entry-meta">
                  {kindLabel(a.kind)} · {a.currency}
                </span>
              </span>
              <span
                className={`entry-amount ${a.balance !== null && a.balance < 0 ? 'over-text' : ''}`}
                data-testid="account-line-balance"
              >
                {balance}
              </span>
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
