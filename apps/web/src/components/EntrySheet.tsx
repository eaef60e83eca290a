import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { useCategories } from '../app/categories.js';
import { useKakeibo } from '../app/kakeibo.js';
import { locale, preferredCurrency, rememberCurrency } from '../app/preferences.js';
import { today } from '../lib/dates.js';
import { amountInput, readAmount } from '../lib/money.js';
import { ConfirmButton } from './ConfirmButton.js';
import { FormError } from './FormError.js';
import { MoneyFields } from './MoneyFields.js';

export type EntryKind = 'expense' | 'income';
export interface EntryTarget {
  kind: EntryKind;
  /** Editing an existing entry; absent for a new one. */
  id?: string;
}

interface Draft {
  kind: EntryKind;
  amount: string;
  currency: string;
  date: string;
  categoryId: string;
  party: string;
  note: string;
}

/**
 * The quick-add sheet: a modal dialog (focus stays inside, Escape closes it) sliding up from the
 * bottom on phones. Saving writes to the local store at once; sync takes it from there.
 */
export function EntrySheet({ target, onClose }: { target: EntryTarget; onClose: () => void }) {
  const kb = useKakeibo();
  const categories = useCategories();
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const lang = locale();
  const [draft, setDraft] = useState<Draft | null>(
    target.id
      ? null
      : {
          kind: target.kind,
          amount: '',
          currency: preferredCurrency(),
          date: today(),
          categoryId: '',
          party: '',
          note: '',
        },
  );
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    dialog.current?.showModal();
  }, []);

  useEffect(() => {
    if (!target.id) return;
    const table = target.kind === 'expense' ? kb.expenses : kb.income;
    void table.get(target.id).then((row) => {
      if (!row) {
        setError('This entry no longer exists (it was deleted, perhaps on another device).');
        return;
      }
      const currency = String(row.currency);
      setDraft({
        kind: target.kind,
        amount: amountInput(Number(row.amount), currency, lang),
        currency,
        date: String(row.date),
        categoryId: typeof row.categoryId === 'string' ? row.categoryId : '',
        party: String((target.kind === 'expense' ? row.payee : row.source) ?? ''),
        note: String(row.note ?? ''),
      });
    });
  }, [kb, target, lang]);

  const set = (patch: Partial<Draft>) => setDraft((d) => (d ? { ...d, ...patch } : d));

  async function save(event: FormEvent) {
    event.preventDefault();
    if (!draft) return;
    const read = readAmount(draft.amount, draft.currency, lang);
    if ('error' in read) {
      setError(read.error);
      return;
    }
    setSaving(true);
    setError(null);
    const common = {
      amount: read.amount,
      currency: draft.currency,
      date: draft.date,
      categoryId: draft.categoryId || null,
      note: draft.note,
    };
    try {
      if (draft.kind === 'expense') {
        const fields = { ...common, payee: draft.party };
        if (target.id && target.kind === 'expense') await kb.expenses.update(target.id, fields);
        else await kb.expenses.create(fields);
      } else {
        const fields = { ...common, source: draft.party };
        if (target.id && target.kind === 'income') await kb.income.update(target.id, fields);
        else await kb.income.create(fields);
      }
      // Switching an entry between expense and income moves it: the old row goes.
      if (target.id && target.kind !== draft.kind) await removeEntry(target);
      rememberCurrency(draft.currency);
      onClose();
    } catch (e) {
      setError((e as Error).message);
      setSaving(false);
    }
  }

  async function removeEntry(entry: EntryTarget) {
    if (!entry.id) return;
    await (entry.kind === 'expense' ? kb.expenses : kb.income).remove(entry.id);
  }

  async function remove() {
    try {
      await removeEntry(target);
      onClose();
    } catch (e) {
      setError((e as Error).message);
    }
  }

  const kindCategories = categories.list.filter(
    (c) => draft && c.kind === draft.kind && (!c.archived || c.id === draft.categoryId),
  );

  return (
    <dialog ref={dialog} className="sheet" aria-labelledby={titleId} onClose={onClose}>
      <form className="sheet-body" onSubmit={save} noValidate>
        <div className="sheet-head">
          <h2 id={titleId}>{target.id ? 'Edit entry' : 'New entry'}</h2>
          <button type="button" className="icon-button" aria-label="Close" onClick={onClose}>
            ✕
          </button>
        </div>
        {!draft ? (
          error ? (
            <FormError error={error} />
          ) : (
            <p>Loading…</p>
          )
        ) : (
          <>
            <fieldset className="segmented">
              <legend className="visually-hidden">Kind</legend>
              {(['expense', 'income'] as const).map((kind) => (
                <label key={kind} className={draft.kind === kind ? 'selected' : ''}>
                  <input
                    type="radio"
                    name="kind"
                    value={kind}
                    checked={draft.kind === kind}
                    onChange={() => set({ kind, categoryId: '' })}
                  />
                  {kind === 'expense' ? 'Expense' : 'Income'}
                </label>
              ))}
            </fieldset>
            <div className="row-2">
              <MoneyFields
                label="Amount"
                amount={draft.amount}
                currency={draft.currency}
                onAmount={(amount) => set({ amount })}
                onCurrency={(currency) => set({ currency })}
                required
                autoFocus
                invalid={error !== null}
              />
            </div>
            <label className="field">
              <span>{draft.kind === 'expense' ? 'Payee' : 'Source'}</span>
              <input
                name="party"
                autoComplete="off"
                maxLength={200}
                value={draft.party}
                onChange={(e) => set({ party: e.target.value })}
              />
            </label>
            <div className="row-2">
              <label className="field grow">
                <span>Date</span>
                <input
                  type="date"
                  required
                  value={draft.date}
                  onChange={(e) => set({ date: e.target.value })}
                />
              </label>
              <label className="field grow">
                <span>Category</span>
                <select value={draft.categoryId} onChange={(e) => set({ categoryId: e.target.value })}>
                  <option value="">None</option>
                  {kindCategories.map((c) => (
                    <option key={c.id} value={c.id}>
                      {c.name}
                    </option>
                  ))}
                </select>
              </label>
            </div>
            <label className="field">
              <span>Note</span>
              <input
                name="note"
                autoComplete="off"
                maxLength={2000}
                value={draft.note}
                onChange={(e) => set({ note: e.target.value })}
              />
            </label>
            <FormError error={error} />
            <div className="sheet-actions">
              {target.id && (
                <ConfirmButton className="danger" confirm="Delete for good" onConfirm={() => void remove()}>
                  Delete
                </ConfirmButton>
              )}
              <button type="submit" className="primary" disabled={saving}>
                {target.id ? 'Save' : 'Add'}
              </button>
            </div>
          </>
        )}
      </form>
    </dialog>
  );
}
