import { type FormEvent, useId, useState } from 'react';
import { ACCOUNT_KINDS, type AccountKind, type AccountRow } from '../app/accounts.js';
import { useKakeibo } from '../app/kakeibo.js';
import { locale, preferredCurrency } from '../app/preferences.js';
import { useChange } from '../app/undo.js';
import { today } from '../lib/dates.js';
import { amountInput, readSignedAmount } from '../lib/money.js';
import { changedFields } from '../lib/patch.js';
import { CurrencyChoice } from './CurrencyChoice.js';
import { FormError } from './FormError.js';
import { Sheet } from './Sheet.js';

/**
 * A new account, or an existing one's name, kind, institution and opening balance and date. The
 * currency is chosen once: every amount recorded in the account is in it, so that its balance is one
 * exact sum (the SDK refuses entries in another currency).
 */
export function AccountSheet({
  account,
  onClose,
}: {
  /** The account to edit; absent for a new one. */
  account?: AccountRow;
  onClose: () => void;
}) {
  const kb = useKakeibo();
  const change = useChange();
  const lang = locale();
  const [name, setName] = useState(account?.name ?? '');
  const [kind, setKind] = useState<AccountKind>(account?.kind ?? 'checking');
  const [currency, setCurrency] = useState(account?.currency ?? preferredCurrency());
  const [opening, setOpening] = useState(
    account ? amountInput(account.openingBalance, account.currency, lang) : '',
  );
  const [openingDate, setOpeningDate] = useState(account?.openingDate ?? today());
  const [institution, setInstitution] = useState(account?.institution ?? '');
  const [error, setError] = useState<string | null>(null);
  const hint = useId();

  async function save(event: FormEvent) {
    event.preventDefault();
    if (!name.trim()) return setError('Name: give the account a name, such as “Everyday checking”.');
    const read = readSignedAmount(opening, currency, lang);
    if ('error' in read) return setError(`Opening balance: ${read.error}`);
    if (!openingDate) return setError('Opening date: choose the day the opening balance was on.');
    const fields = {
      name: name.trim(),
      kind,
      openingBalance: read.amount,
      openingDate,
      institution: institution.trim() || null,
    };
    try {
      if (account) {
        const patch = changedFields(account, fields);
        await change('Account saved', () => kb.accounts.update(account.id, patch));
      } else {
        await change('Account added', () => kb.accounts.create({ ...fields, currency }));
      }
      onClose();
    } catch (e) {
      setError((e as Error).message);
    }
  }

  return (
    <Sheet title={account ? 'Edit account' : 'New account'} onClose={onClose} onSubmit={save}>
      <label className="field">
        <span>Name</span>
        <input
          autoComplete="off"
          maxLength={100}
          value={name}
          onChange={(e) => setName(e.target.value)}
          required
          aria-invalid={error?.startsWith('Name') ? true : undefined}
        />
      </label>
      <div className="row-2">
        <label className="field grow">
          <span>Kind</span>
          <select value={kind} onChange={(e) => setKind(e.target.value as AccountKind)}>
            {ACCOUNT_KINDS.map((k) => (
              <option key={k.value} value={k.value}>
                {k.label}
              </option>
            ))}
          </select>
        </label>
        {account ? (
          <p className="field muted small">Kept in {account.currency}</p>
        ) : (
          <CurrencyChoice value={currency} onChange={setCurrency} />
        )}
      </div>
      <div className="row-2">
        <label className="field grow">
          <span>Opening balance</span>
          <input
            inputMode="decimal"
            autoComplete="off"
            placeholder="0"
            value={opening}
            onChange={(e) => setOpening(e.target.value)}
            aria-describedby={hint}
          />
        </label>
        <label className="field grow">
          <span>Opening date</span>
          <input type="date" value={openingDate} onChange={(e) => setOpeningDate(e.target.value)} required />
        </label>
      </div>
      <p id={hint} className="muted small">
        What the account held on the opening date; negative for a card's debt (−250.00).
      </p>
      <label className="field">
        <span>Bank or institution (optional)</span>
        <input
          autoComplete="off"
          maxLength={200}
          value={institution}
          onChange={(e) => setInstitution(e.target.value)}
        />
      </label>
      <FormError error={error} />
      <div className="sheet-actions">
        <button type="submit" className="primary">
          {account ? 'Save' : 'Add account'}
        </button>
      </div>
    </Sheet>
  );
}
