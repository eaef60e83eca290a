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
      <NewItem />
    </div>
  );
}

function NewItem() {
  const kb = useKakeibo();
  const change = useChange();
  const lang = locale();
  const purchases = useLive((k) => k.expenses.list({ limit: 50 }).then((p) => p.items), ['expenses'], []);
  const [name, setName] = useState('');
  const [price, setPrice] = useState('');
  const [currency, setCurrency] = useState(preferredCurrency);
  const [warrantyEnd, setWarrantyEnd] = useState('');
  const [location, setLocation] = useState('');
  const [expenseId, setExpenseId] = useState('');
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
    try {
      await change(`${name.trim() || 'Belonging'} added`, () =>
        kb.inventory.create({
          name: name.trim(),
          purchasePrice,
          currency: purchasePrice === null ? null : currency,
          purchaseDate: purchase ? String(purchase.date) : today(),
          warrantyEnd: warrantyEnd || null,
          location: location.trim() || null,
          expenseId: expenseId || null,
        }),
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
    <form className="card stack-tight" onSubmit={add} aria-labelledby="new-item" noValidate>
      <h2 id="new-item">Add a belonging</h2>
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
      <FormFooter error={error} submit="Add belonging" />
    </form>
  );
}
