import { type FormEvent, useState } from 'react';
import { type CategoryRow, useCategories } from '../app/categories.js';
import { useKakeibo } from '../app/kakeibo.js';
import { useChange, useTap } from '../app/undo.js';
import { FormFooter } from '../components/FormFooter.js';

const PALETTE = ['#2f6f5e', '#e0a458', '#c8553d', '#4a7bd0', '#8a5cc2', '#3a9d8f', '#d17a9e', '#6b7a3a'];

/** Expense and income categories: add, rename, recolour, archive (kept for old entries) or delete. */
export function CategoriesScreen() {
  const categories = useCategories();
  return (
    <div className="stack">
      {(['expense', 'income'] as const).map((kind) => (
        <section key={kind} className="card" aria-labelledby={`cat-${kind}`}>
          <h2 id={`cat-${kind}`}>{kind === 'expense' ? 'Expense categories' : 'Income categories'}</h2>
          <ul className="plain">
            {categories.list
              .filter((c) => c.kind === kind)
              .map((c) => (
                <CategoryLine key={c.id} category={c} />
              ))}
          </ul>
        </section>
      ))}
      <NewCategory count={categories.list.length} />
    </div>
  );
}

function CategoryLine({ category }: { category: CategoryRow }) {
  const kb = useKakeibo();
  const tap = useTap();
  const [name, setName] = useState(category.name);
  const save = () => {
    const trimmed = name.trim();
    if (trimmed && trimmed !== category.name)
      tap(`Category renamed to ${trimmed}`, () => kb.categories.update(category.id, { name: trimmed }));
    else setName(category.name);
  };
  return (
    <li className={`category-line ${category.archived ? 'archived' : ''}`}>
      <input
        type="color"
        aria-label={`Colour of ${category.name}`}
        value={category.color ?? '#888888'}
        onChange={(e) => {
          const color = e.target.value;
          tap(`Colour of ${category.name} changed`, () => kb.categories.update(category.id, { color }));
        }}
      />
      <input
        className="inline-input"
        aria-label="Category name"
        value={name}
        maxLength={100}
        onChange={(e) => setName(e.target.value)}
        onBlur={save}
        onKeyDown={(e) => e.key === 'Enter' && save()}
      />
      <button
        type="button"
        className="link-button"
        onClick={() =>
          tap(category.archived ? `${category.name} restored` : `${category.name} archived`, () =>
            kb.categories.update(category.id, { archived: !category.archived }),
          )
        }
      >
        {category.archived ? 'Restore' : 'Archive'}
      </button>
      <button
        type="button"
        className="link-button danger-text"
        onClick={() => tap(`${category.name} deleted`, () => kb.categories.remove(category.id))}
      >
        Delete<span className="visually-hidden"> {category.name}</span>
      </button>
    </li>
  );
}

function NewCategory({ count }: { count: number }) {
  const kb = useKakeibo();
  const change = useChange();
  const [name, setName] = useState('');
  const [kind, setKind] = useState<'expense' | 'income'>('expense');
  const [error, setError] = useState<string | null>(null);
  async function add(event: FormEvent) {
    event.preventDefault();
    // Cleared at once, so a name typed while the write runs is not wiped by it; put back on failure.
    const typed = name;
    setName('');
    try {
      await change(`Category ${typed.trim()} added`, () =>
        kb.categories.create({
          name: typed.trim(),
          kind,
          color: PALETTE[count % PALETTE.length] ?? null,
        }),
      );
      setError(null);
    } catch (e) {
      setName(typed);
      setError((e as Error).message);
    }
  }
  return (
    <form className="card stack-tight" onSubmit={add} aria-labelledby="new-category" noValidate>
      <h2 id="new-category">New category</h2>
      <div className="row-2">
        <label className="field grow">
          <span>Name</span>
          <input value={name} maxLength={100} onChange={(e) => setName(e.target.value)} required />
        </label>
        <label className="field">
          <span>Kind</span>
          <select value={kind} onChange={(e) => setKind(e.target.value as 'expense' | 'income')}>
            <option value="expense">Expense</option>
            <option value="income">Income</option>
          </select>
        </label>
      </div>
      <FormFooter error={error} submit="Add category" />
    </form>
  );
}
