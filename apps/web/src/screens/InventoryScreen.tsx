import type { Kakeibo, MaterializedRow } from '@kakeibo/client/browser';
import { type FormEvent, useState } from 'react';
import { useEditor } from '../app/editor.js';
import { useKakeibo, useLive } from '../app/kakeibo.js';
import { locale, preferredCurrency } from '../app/preferences.js';
import { useChange, useTap } from '../app/undo.js';
import { FormFooter } from '../components/FormFooter.js';
import { MoneyFields } from '../components/MoneyFields.js';
import { dateLabel, today } from '../lib/dates.js';
import { amountInput, money, readAmount } from '../lib/money.js';
import { changedFields } from '../lib/patch.js';

async function loadItems(kb: Kakeibo): Promise<MaterializedRow[]> {
  const page = await kb.inventory.list({ limit: 500 });
  return page.items;
}

/** Belongings: what they are worth, when their warranty ends, and the purchase they came from. */
export function InventoryScreen() {
  const kb = useKakeibo();
  const tap = useTap();
  const lang = locale();
  const openEditor = useEditor();
  const items = useLive(loadItems, ['inventory'], []);
  /** The belonging whose details the form below shows for editing; null: the form adds a new one. */
  const [editing, setEditing] = useState<MaterializedRow | null>(null);
  const now = today();
  return (
    <div className="stack">
      <section className="card" aria-labelledby="inventory-list">
        <h2 id="inventory-list">Belongings</h2>
        {items.data?.length === 0 && <p className="muted">Nothing recorded yet.</p>}
        <ul className="plain">
          {(items.data ?? []).map((item) => {
            const currency = typeof item.currency === 'string' ? item.currency : null;
            const value = typeof item.currentValue === 'number' ? item.currentValue : item.purchasePrice;
            const warranty = typeof item.warrantyEnd === 'string' ? item.warrantyEnd : null;
            return (
              <li key={item.id} className="inventory-line" data-testid="inventory-item">
                <div className="budget-line-head">
                  <strong>
                    {String(item.name)}
                    {Number(item.quantity) > 1 ? ` × ${item.quantity}` : ''}
                  </strong>
                  <span>{typeof value === 'number' && currency ? money(value, currency, lang) : '—'}</span>
                </div>
                <div className="muted small">
                  {warranty
                    ? warranty < now
                      ? `Warranty ended ${dateLabel(warranty, lang)}`
                      : `Warranty until ${dateLabel(warranty, lang)}`
                    : 'No warranty recorded'}
                  {typeof item.location === 'string' && item.location ? ` · ${item.location}` : ''}
                </div>
                <div className="actions-inline">
                  {typeof item.expenseId === 'string' && (
                    <button
                      type="button"
                      className="link-button"
                      onClick={() => openEditor({ kind: 'expense', id: item.expenseId as string })}
                    >
                      View purchase
                    </button>
                  )}
                  <button type="button" className="link-button" onClick={() => setEditing(item)}>
                    Edit<span className="visually-hidden"> {String(item.name)}</span>
                  </button>
                  <button
                    type="button"
                    className="link-button danger-text"
                    onClick={() => tap(`${String(item.name)} deleted`, () => kb.inventory.remove(item.id))}
                  >
                    Delete<span className="visually-hidden"> {String(item.name)}</span>
                  </button>
                </div>
              </li>
            );
          })}
        </ul>
      </section>
      <ItemForm key={editing?.id ?? 'new'} item={editing} onDone={() => setEditing(null)} />
    </div>
  );
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** Adds a belonging, or (given `item`) edits one: only the fields changed are written. */
function ItemForm({ item, onDone }: { item: MaterializedRow | null; onDone: () => void }) {
  const kb = useKakeibo();
  const change = useChange();
  const lang = locale();
  const purchases = useLive((k) => k.expenses.list({ limit: 50 }).then((p) => p.items), ['expenses'], []);
  const itemCurrency = text(item?.currency) || preferredCurrency();
  const [name, setName] = useState(text(item?.name));
  const [price, setPrice] = useState(
    typeof item?.purchasePrice === 'number' ? amountInput(item.purchasePrice, itemCurrency, lang) : '',
  );
  const [currency, setCurrency] = useState(itemCurrency);
  const [warrantyEnd, setWarrantyEnd] = useState(text(item?.warrantyEnd));
  const [location, setLocation] = useState(text(item?.location));
  const [expenseId, setExpenseId] = useState(text(item?.expenseId));
  const [error, setError] = useState<string | null>(null);

  function choosePurchase(id: string) {
    setExpenseId(id);
    const expense = purchases.data?.find((e) => e.id === id);
    if (expense && !price) {
      setCurrency(String(expense.currency));
      setPrice(amountInput(Number(expense.amount), String(expense.currency), lang));
    }
  }

  async function add(event: FormEvent) {
    event.preventDefault();
    let purchasePrice: number | null = null;
    if (price.trim()) {
      const read = readAmount(price, currency, lang);
      if ('error' in read) return setError(read.error);
      purchasePrice = read.amount;
    }
    const purchase = purchases.data?.find((e) => e.id === expenseId);
    const fields = {
      name: name.trim(),
      purchasePrice,
      currency: purchasePrice === null ? null : currency,
      warrantyEnd: warrantyEnd || null,
      location: location.trim() || null,
      expenseId: expenseId || null,
    };
    try {
      if (item) {
        const patch = changedFields(item, fields);
        if (Object.keys(patch).length > 0) {
          await change(`${fields.name || 'Belonging'} saved`, () => kb.inventory.update(item.id, patch));
        }
        return onDone();
      }
      await change(`${fields.name || 'Belonging'} added`, () =>
        kb.inventory.create({ ...fields, purchaseDate: purchase ? String(purchase.date) : today() }),
      );
      setName('');
      setPrice('');
      setWarrantyEnd('');
      setLocation('');
      setExpenseId('');
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  }

  return (
    <form className="card stack-tight" onSubmit={add} aria-labelledby="item-form" noValidate>
      <h2 id="item-form">{item ? `Edit ${text(item.name)}` : 'Add a belonging'}</h2>
      <label className="field">
        <span>Name</span>
        <input value={name} maxLength={200} onChange={(e) => setName(e.target.value)} required />
      </label>
      <label className="field">
        <span>Purchase</span>
        <select value={expenseId} onChange={(e) => choosePurchase(e.target.value)}>
          <option value="">Not linked</option>
          {(purchases.data ?? []).map((e) => (
            <option key={e.id} value={e.id}>
              {String(e.payee || 'Expense')} · {money(Number(e.amount), String(e.currency), lang)} ·{' '}
              {dateLabel(String(e.date), lang)}
            </option>
          ))}
        </select>
      </label>
      <div className="row-2">
        <MoneyFields
          label="Price"
          amount={price}
          currency={currency}
          onAmount={setPrice}
          onCurrency={setCurrency}
        />
      </div>
      <div className="row-2">
        <label className="field grow">
          <span>Warranty ends</span>
          <input type="date" value={warrantyEnd} onChange={(e) => setWarrantyEnd(e.target.value)} />
        </label>
        <label className="field grow">
          <span>Location</span>
          <input value={location} maxLength={200} onChange={(e) => setLocation(e.target.value)} />
        </label>
      </div>
      <FormFooter error={error} submit={item ? 'Save belonging' : 'Add belonging'} />
      {item && (
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      )}
    </form>
  );
}
