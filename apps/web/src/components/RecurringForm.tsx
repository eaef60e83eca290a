import { type FormEvent, useState } from 'react';
import { useAccounts } from '../app/accounts.js';
import { useCategories } from '../app/categories.js';
import { useKakeibo } from '../app/kakeibo.js';
import { locale, preferredCurrency } from '../app/preferences.js';
import { useChange } from '../app/undo.js';
import { today } from '../lib/dates.js';
import { readAmount } from '../lib/money.js';
import { AccountField } from './EntryDetails.js';
import { FormFooter } from './FormFooter.js';
import { MoneyFields } from './MoneyFields.js';

type Unit = 'day' | 'week' | 'month' | 'year';
const UNITS: Array<{ value: Unit; label: string }> = [
  { value: 'day', label: 'Days' },
  { value: 'week', label: 'Weeks' },
  { value: 'month', label: 'Months' },
  { value: 'year', label: 'Years' },
];

/**
 * A new recurring entry: the expense or income it writes (amount, payee or source, category,
 * account) and when (every N days, weeks, months or years from a start date, on a day of the month
 * for months and years, until an optional end). Occurrences already due are written at once.
 */
export function RecurringForm() {
  const kb = useKakeibo();
  const change = useChange();
  const lang = locale();
  const categories = useCategories();
  const accounts = useAccounts();
  const [kind, setKind] = useState<'expense' | 'income'>('expense');
  const [amount, setAmount] = useState('');
  const [currency, setCurrency] = useState(preferredCurrency);
  const [party, setParty] = useState('');
  const [categoryId, setCategoryId] = useState('');
  const [accountId, setAccountId] = useState('');
  const [every, setEvery] = useState('1');
  const [unit, setUnit] = useState<Unit>('month');
  const [dayOfMonth, setDayOfMonth] = useState('');
  const [startDate, setStartDate] = useState(today());
  const [endDate, setEndDate] = useState('');
  const [error, setError] = useState<string | null>(null);
  const monthly = unit === 'month' || unit === 'year';

  async function add(event: FormEvent) {
    event.preventDefault();
    const read = readAmount(amount, currency, lang);
    if ('error' in read) return setError(`Amount: ${read.error}`);
    const n = Number(every);
    if (!/^\d+$/.test(every.trim()) || n < 1 || n > 366) {
      return setError('Every: enter a whole number from 1 to 366.');
    }
    const day = dayOfMonth.trim() === '' ? null : Number(dayOfMonth);
    if (monthly && day !== null && (!/^\d+$/.test(dayOfMonth.trim()) || day < 1 || day > 31)) {
      return setError('Day of month: enter a day from 1 to 31, or leave it empty to use the start date’s.');
    }
    if (!startDate) return setError('Starts: choose the date of the first occurrence.');
    if (endDate && endDate < startDate) return setError('Ends: choose a date on or after the start.');
    try {
      await change('Recurring entry added', () =>
        kb.recurring.create({
          kind,
          template: {
            amount: read.amount,
            currency,
            categoryId: categoryId || null,
            accountId: accountId || null,
            ...(kind === 'expense' ? { payee: party } : { source: party }),
          },
          every: n,
          unit,
          dayOfMonth: monthly ? day : null,
          startDate,
          endDate: endDate || null,
        }),
      );
      setAmount('');
      setParty('');
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  }

  return (
    <form className="card stack-tight" onSubmit={add} aria-labelledby="new-rule" noValidate>
      <h2 id="new-rule">New recurring entry</h2>
      <fieldset className="segmented">
        <legend className="visually-hidden">Kind</legend>
        {(['expense', 'income'] as const).map((k) => (
          <label key={k} className={kind === k ? 'selected' : ''}>
            <input
              type="radio"
              name="rule-kind"
              value={k}
              checked={kind === k}
              onChange={() => {
                setKind(k);
                setCategoryId('');
              }}
            />
            {k === 'expense' ? 'Expense' : 'Income'}
          </label>
        ))}
      </fieldset>
      <div className="row-2">
        <MoneyFields
          label="Amount"
          amount={amount}
          currency={currency}
          onAmount={setAmount}
          onCurrency={setCurrency}
          required
        />
      </div>
      <div className="row-2">
        <label className="field grow">
          <span>{kind === 'expense' ? 'Payee' : 'Source'}</span>
          <input
            autoComplete="off"
            maxLength={200}
            value={party}
            onChange={(e) => setParty(e.target.value)}
          />
        </label>
        <label className="field grow">
          <span>Category</span>
          <select value={categoryId} onChange={(e) => setCategoryId(e.target.value)}>
            <option value="">None</option>
            {categories.list
              .filter((c) => c.kind === kind && !c.archived)
              .map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
          </select>
        </label>
      </div>
      {accounts.list.length > 0 && (
        <AccountField
          accounts={accounts.list}
          value={accountId}
          onChange={(account) => {
            setAccountId(account?.id ?? '');
            if (account) setCurrency(account.currency);
          }}
        />
      )}
      <div className="row-2">
        <label className="field narrow">
          <span>Every</span>
          <input
            inputMode="numeric"
            autoComplete="off"
            value={every}
            onChange={(e) => setEvery(e.target.value)}
          />
        </label>
        <label className="field grow">
          <span>Repeat</span>
          <select value={unit} onChange={(e) => setUnit(e.target.value as Unit)}>
            {UNITS.map((u) => (
              <option key={u.value} value={u.value}>
                {u.label}
              </option>
            ))}
          </select>
        </label>
        {monthly && (
          <label className="field narrow">
            <span>Day of month</span>
            <input
              inputMode="numeric"
              autoComplete="off"
              placeholder={startDate.slice(8, 10)}
              value={dayOfMonth}
              onChange={(e) => setDayOfMonth(e.target.value)}
            />
          </label>
        )}
      </div>
      <div className="row-2">
        <label className="field grow">
          <span>Starts</span>
          <input type="date" value={startDate} onChange={(e) => setStartDate(e.target.value)} />
        </label>
        <label className="field grow">
          <span>Ends (optional)</span>
          <input type="date" value={endDate} onChange={(e) => setEndDate(e.target.value)} />
        </label>
      </div>
      <FormFooter error={error} submit="Add recurring entry" />
    </form>
  );
}
