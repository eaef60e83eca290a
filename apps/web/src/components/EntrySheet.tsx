import type { MaterializedRow } from '@kakeibo/client/browser';
import type { SplitPart } from '@kakeibo/core';
import { type FormEvent, useEffect, useState } from 'react';
import { useAccounts } from '../app/accounts.js';
import { useCategories } from '../app/categories.js';
import { useKakeibo } from '../app/kakeibo.js';
import { locale, preferredCurrency, rememberCurrency } from '../app/preferences.js';
import { readSplits, type SplitDraft, startSplit } from '../app/split-draft.js';
import { useChange } from '../app/undo.js';
import { today } from '../lib/dates.js';
import { amountInput, readAmount } from '../lib/money.js';
import { changedFields } from '../lib/patch.js';
import { AccountField, ExpenseDetails, type PaymentMethod, readTags, tagsText } from './EntryDetails.js';
import { FormError } from './FormError.js';
import { MoneyFields } from './MoneyFields.js';
import { Sheet } from './Sheet.js';
import { SplitFields } from './SplitFields.js';

export type EntryKind = 'expense' | 'income';
export interface EntryTarget {
  kind: EntryKind;
  /** Editing an existing entry; absent for a new one. */
  id?: string;
  /** A new entry's account (added from an account's page). */
  accountId?: string;
}

interface Draft {
  kind: EntryKind;
  amount: string;
  currency: string;
  date: string;
  categoryId: string;
  accountId: string;
  party: string;
  note: string;
  /** Expenses only: tags as typed, comma-separated, and how it was paid ('' for not said). */
  tags: string;
  paymentMethod: string;
  /** Expenses only: the parts of a split entry; empty when it is not split. */
  splits: SplitDraft[];
}

const KIND_WORD = { expense: 'Expense', income: 'Income' } as const;

/**
 * The quick-add sheet. Saving writes to the local store at once; sync takes it from there. Every
 * save and deletion is offered for undo (app/undo.tsx), so deleting takes one tap.
 */
export function EntrySheet({ target, onClose }: { target: EntryTarget; onClose: () => void }) {
  const kb = useKakeibo();
  const change = useChange();
  const categories = useCategories();
  const accounts = useAccounts();
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
          accountId: target.accountId ?? '',
          party: '',
          note: '',
          tags: '',
          paymentMethod: '',
          splits: [],
        },
  );
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  /** The entry as loaded: a save writes only the fields changed from it. */
  const [loaded, setLoaded] = useState<MaterializedRow | null>(null);

  // A new entry in a given account is in that account's currency (once the accounts are read).
  const presetAccount = target.accountId ? accounts.byId.get(target.accountId) : undefined;
  useEffect(() => {
    if (!presetAccount) return;
    setDraft((d) =>
      d && !target.id && d.accountId === presetAccount.id ? { ...d, currency: presetAccount.currency } : d,
    );
  }, [presetAccount, target.id]);

  useEffect(() => {
    if (!target.id) return;
    const table = target.kind === 'expense' ? kb.expenses : kb.income;
    void table.get(target.id).then((row) => {
      if (!row) {
        setError('This entry no longer exists (it was deleted, perhaps on another device).');
        return;
      }
      const currency = String(row.currency);
      setLoaded(row);
      setDraft({
        kind: target.kind,
        amount: amountInput(Number(row.amount), currency, lang),
        currency,
        date: String(row.date),
        categoryId: typeof row.categoryId === 'string' ? row.categoryId : '',
        accountId: typeof row.accountId === 'string' ? row.accountId : '',
        party: String((target.kind === 'expense' ? row.payee : row.source) ?? ''),
        note: String(row.note ?? ''),
        tags: tagsText(row.tags),
        paymentMethod: typeof row.paymentMethod === 'string' ? row.paymentMethod : '',
        splits: partsOf(row.splits).map((p) => ({
          categoryId: p.categoryId ?? '',
          amount: amountInput(p.amount, currency, lang),
          note: p.note,
        })),
      });
    });
  }, [kb, target, lang]);

  const set = (patch: Partial<Draft>) => setDraft((d) => (d ? { ...d, ...patch } : d));

  async function save(event: FormEvent) {
    event.preventDefault();
    if (!draft) return;
    const read = readAmount(draft.amount, draft.currency, lang);
    if ('error' in read) return setError(`Amount: ${read.error}`);
    const tags = readTags(draft.tags);
    if (draft.kind === 'expense' && 'error' in tags) return setError(tags.error);
    // A split is written when the entry has parts, or to remove the parts it had.
    const split =
      draft.kind === 'expense' && draft.splits.length > 0
        ? readSplits(read.amount, draft.splits, draft.currency, lang)
        : { splits: [] };
    if ('error' in split) return setError(split.error);
    const splitField =
      split.splits.length > 0 || partsOf(loaded?.splits).length > 0 ? { splits: split.splits } : {};
    setSaving(true);
    setError(null);
    const common = {
      amount: read.amount,
      currency: draft.currency,
      date: draft.date,
      categoryId: draft.categoryId || null,
      accountId: draft.accountId || null,
      note: draft.note,
    };
    const word = KIND_WORD[draft.kind];
    const moved = target.id !== undefined && target.kind !== draft.kind;
    const text = moved ? `Moved to ${draft.kind}` : target.id ? `${word} saved` : `${word} added`;
    const id = moved ? undefined : target.id;
    // Creates the entry, or writes only the fields changed from the entry as loaded; null when
    // nothing changed (no write, and no undo offer, which would undo something else).
    const plan = <C extends Record<string, unknown>>(
      table: { create(input: C): Promise<unknown>; update(id: string, patch: Partial<C>): Promise<unknown> },
      fields: C,
    ) => {
      if (id === undefined) return () => table.create(fields);
      const patch = changedFields(loaded ?? {}, fields);
      return Object.keys(patch).length === 0 ? null : () => table.update(id, patch);
    };
    const write =
      draft.kind === 'expense'
        ? plan(kb.expenses, {
            ...common,
            payee: draft.party,
            tags: 'tags' in tags ? tags.tags : [],
            paymentMethod: (draft.paymentMethod || null) as PaymentMethod | null,
            ...splitField,
          })
        : plan(kb.income, { ...common, source: draft.party });
    if (!write) return onClose();
    try {
      await change(
        text,
        async () => {
          await write();
          // Switching an entry between expense and income moves it: the old row goes.
          if (moved) await removeEntry(target);
        },
        moved ? 2 : 1,
      );
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
      await change(`${KIND_WORD[target.kind]} deleted`, () => removeEntry(target));
      onClose();
    } catch (e) {
      setError((e as Error).message);
    }
  }

  const kindCategories = categories.list.filter(
    (c) => draft && c.kind === draft.kind && (!c.archived || c.id === draft.categoryId),
  );

  return (
    <Sheet title={target.id ? 'Edit entry' : 'New entry'} onClose={onClose} onSubmit={save}>
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
                {KIND_WORD[kind]}
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
          {draft.kind === 'expense' &&
            (draft.splits.length > 0 ? (
              <SplitFields
                parts={draft.splits}
                onChange={(splits) => set({ splits })}
                categories={kindCategories}
                total={amountOrNull(draft.amount, draft.currency, lang)}
                currency={draft.currency}
                locale={lang}
              />
            ) : (
              <button
                type="button"
                onClick={() => set({ splits: startSplit(draft.amount, draft.categoryId) })}
              >
                Split among categories
              </button>
            ))}
          {accounts.list.length > 0 && (
            <AccountField
              accounts={accounts.list}
              value={draft.accountId}
              onChange={(account) =>
                set(account ? { accountId: account.id, currency: account.currency } : { accountId: '' })
              }
            />
          )}
          {draft.kind === 'expense' && (
            <ExpenseDetails
              tags={draft.tags}
              paymentMethod={draft.paymentMethod}
              onTags={(tags) => set({ tags })}
              onPaymentMethod={(paymentMethod) => set({ paymentMethod })}
            />
          )}
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
              <button type="button" className="danger" onClick={() => void remove()}>
                Delete
              </button>
            )}
            <button type="submit" className="primary" disabled={saving}>
              {target.id ? 'Save' : 'Add'}
            </button>
          </div>
        </>
      )}
    </Sheet>
  );
}

/** A split entry's parts as the SDK returns them (objects); [] for an entry not split. */
function partsOf(value: unknown): SplitPart[] {
  return Array.isArray(value) ? (value as SplitPart[]) : [];
}

const amountOrNull = (text: string, currency: string, lang: string): number | null => {
  const read = readAmount(text, currency, lang);
  return 'amount' in read ? read.amount : null;
};
