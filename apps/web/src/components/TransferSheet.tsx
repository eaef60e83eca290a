import type { MaterializedRow } from '@kakeibo/client/browser';
import { type FormEvent, useEffect, useId, useState } from 'react';
import { type AccountRow, useAccounts } from '../app/accounts.js';
import { useKakeibo } from '../app/kakeibo.js';
import { locale } from '../app/preferences.js';
import { useChange } from '../app/undo.js';
import { today } from '../lib/dates.js';
import { amountInput, readAmount } from '../lib/money.js';
import { changedFields } from '../lib/patch.js';
import { FormError } from './FormError.js';
import { Sheet } from './Sheet.js';

export interface TransferTarget {
  /** Editing an existing transfer; absent for a new one. */
  id?: string;
  /** A new transfer's first account (made from an account's page). */
  fromAccountId?: string;
}

interface Draft {
  fromAccountId: string;
  toAccountId: string;
  amount: string;
  /** What arrived, when the two accounts are kept in different currencies. */
  toAmount: string;
  date: string;
  note: string;
}

/**
 * Money moved between two of the person's accounts: never spending, never income. Between accounts
 * of two currencies it takes both amounts, as the bank booked them, so both balances stay exact.
 */
export function TransferSheet({ target, onClose }: { target: TransferTarget; onClose: () => void }) {
  const kb = useKakeibo();
  const change = useChange();
  const accounts = useAccounts();
  const lang = locale();
  const [draft, setDraft] = useState<Draft | null>(
    target.id
      ? null
      : {
          fromAccountId: target.fromAccountId ?? '',
          toAccountId: '',
          amount: '',
          toAmount: '',
          date: today(),
          note: '',
        },
  );
  const [error, setError] = useState<string | null>(null);
  /** The transfer as loaded: a save writes only the fields changed from it. */
  const [loaded, setLoaded] = useState<MaterializedRow | null>(null);

  useEffect(() => {
    if (!target.id) return;
    void kb.transfers.get(target.id).then((row) => {
      if (!row)
        return setError('This transfer no longer exists (it was deleted, perhaps on another device).');
      const toCurrency = typeof row.toCurrency === 'string' ? row.toCurrency : null;
      setLoaded(row);
      setDraft({
        fromAccountId: String(row.fromAccountId),
        toAccountId: String(row.toAccountId),
        amount: amountInput(Number(row.amount), String(row.currency), lang),
        toAmount: toCurrency ? amountInput(Number(row.toAmount), toCurrency, lang) : '',
        date: String(row.date),
        note: String(row.note ?? ''),
      });
    });
  }, [kb, target.id, lang]);

  const set = (patch: Partial<Draft>) => setDraft((d) => (d ? { ...d, ...patch } : d));
  const from = draft ? accounts.byId.get(draft.fromAccountId) : undefined;
  const to = draft ? accounts.byId.get(draft.toAccountId) : undefined;
  const twoCurrencies = from !== undefined && to !== undefined && from.currency !== to.currency;

  async function save(event: FormEvent) {
    event.preventDefault();
    if (!draft) return;
    if (!from) return setError('From: choose the account the money left.');
    if (!to) return setError('To: choose the account the money went to.');
    if (from.id === to.id) return setError('To: choose another account than the one it left.');
    const sent = readAmount(draft.amount, from.currency, lang);
    if ('error' in sent) return setError(`${twoCurrencies ? 'Amount sent' : 'Amount'}: ${sent.error}`);
    let arrived: { toAmount: number | null; toCurrency: string | null } = {
      toAmount: null,
      toCurrency: null,
    };
    if (twoCurrencies) {
      const read = readAmount(draft.toAmount, to.currency, lang);
      if ('error' in read) return setError(`Amount received: ${read.error}`);
      arrived = { toAmount: read.amount, toCurrency: to.currency };
    }
    const fields = {
      fromAccountId: from.id,
      toAccountId: to.id,
      amount: sent.amount,
      currency: from.currency,
      ...arrived,
      date: draft.date,
      note: draft.note,
    };
    try {
      if (target.id) {
        const id = target.id;
        await change('Transfer saved', () => kb.transfers.update(id, changedFields(loaded ?? {}, fields)));
      } else await change('Transfer added', () => kb.transfers.create(fields));
      onClose();
    } catch (e) {
      setError((e as Error).message);
    }
  }

  async function remove() {
    if (!target.id) return;
    try {
      await change('Transfer deleted', () => kb.transfers.remove(target.id as string));
      onClose();
    } catch (e) {
      setError((e as Error).message);
    }
  }

  return (
    <Sheet title={target.id ? 'Edit transfer' : 'New transfer'} onClose={onClose} onSubmit={save}>
      {!draft ? (
        error ? (
          <FormError error={error} />
        ) : (
          <p>Loading…</p>
        )
      ) : (
        <>
          <div className="row-2">
            <AccountChoice
              label="From"
              accounts={accounts.list}
              value={draft.fromAccountId}
              onChange={(fromAccountId) => set({ fromAccountId })}
            />
            <AccountChoice
              label="To"
              accounts={accounts.list}
              value={draft.toAccountId}
              onChange={(toAccountId) => set({ toAccountId })}
            />
          </div>
          <div className="row-2">
            <AmountIn
              label={twoCurrencies ? 'Amount sent' : 'Amount'}
              currency={from?.currency}
              value={draft.amount}
              onChange={(amount) => set({ amount })}
            />
            {twoCurrencies && (
              <AmountIn
                label="Amount received"
                currency={to?.currency}
                value={draft.toAmount}
                onChange={(toAmount) => set({ toAmount })}
              />
            )}
          </div>
          <div className="row-2">
            <label className="field grow">
              <span>Date</span>
              <input type="date" value={draft.date} onChange={(e) => set({ date: e.target.value })} />
            </label>
            <label className="field grow">
              <span>Note</span>
              <input
                autoComplete="off"
                maxLength={2000}
                value={draft.note}
                onChange={(e) => set({ note: e.target.value })}
              />
            </label>
          </div>
          <FormError error={error} />
          <div className="sheet-actions">
            {target.id && (
              <button type="button" className="danger" onClick={() => void remove()}>
                Delete
              </button>
            )}
            <button type="submit" className="primary">
              {target.id ? 'Save' : 'Move money'}
            </button>
          </div>
        </>
      )}
    </Sheet>
  );
}

function AccountChoice({
  label,
  accounts,
  value,
  onChange,
}: {
  label: string;
  accounts: readonly AccountRow[];
  value: string;
  onChange: (id: string) => void;
}) {
  return (
    <label className="field grow">
      <span>{label}</span>
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">Choose an account</option>
        {accounts
          .filter((a) => !a.archived || a.id === value)
          .map((a) => (
            <option key={a.id} value={a.id}>
              {a.name} ({a.currency})
            </option>
          ))}
      </select>
    </label>
  );
}

/** An amount in an account's currency (shown beside it, not chosen: the account decides it). */
function AmountIn({
  label,
  currency,
  value,
  onChange,
}: {
  label: string;
  currency: string | undefined;
  value: string;
  onChange: (value: string) => void;
}) {
  const unit = useId();
  return (
    <label className="field grow">
      <span>{label}</span>
      <span className="with-unit">
        <input
          inputMode="decimal"
          autoComplete="off"
          value={value}
          onChange={(e) => onChange(e.target.value)}
          aria-describedby={unit}
        />
        <span id={unit} className="unit">
          {currency ?? ''}
        </span>
      </span>
    </label>
  );
}
