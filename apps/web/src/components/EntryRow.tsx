import type { Transaction } from '@kakeibo/client/browser';
import type { CategoryRow } from '../app/categories.js';
import { useEditor } from '../app/editor.js';
import { locale } from '../app/preferences.js';
import { dateLabel } from '../lib/dates.js';
import { money } from '../lib/money.js';

/**
 * One expense or income in a list: who, category and date on the left, the signed amount on the
 * right. Tapping it opens it in the sheet.
 */
export function EntryRow({
  entry,
  categories,
}: {
  entry: Transaction;
  /** The categories by id (useCategories().byId), to show the entry's name and colour. */
  categories: ReadonlyMap<string, CategoryRow>;
}) {
  const openEditor = useEditor();
  const lang = locale();
  const category = typeof entry.categoryId === 'string' ? categories.get(entry.categoryId) : undefined;
  const party =
    String((entry.kind === 'expense' ? entry.payee : entry.source) || '') ||
    (entry.kind === 'expense' ? 'Expense' : 'Income');
  const amount = money(Number(entry.amount), String(entry.currency), lang);
  return (
    <button
      type="button"
      className="entry"
      onClick={() => openEditor({ kind: entry.kind, id: entry.id })}
      data-testid="entry"
    >
      <span
        className="entry-dot"
        style={{ background: category?.color ?? 'var(--muted)' }}
        aria-hidden="true"
      />
      <span className="entry-main">
        <span className="entry-party">{party}</span>
        <span className="entry-meta">
          {category?.name ?? 'No category'} · {dateLabel(String(entry.date), lang)}
        </span>
      </span>
      <span className={`entry-amount ${entry.kind === 'income' ? 'income' : ''}`}>
        {entry.kind === 'income' ? `+${amount}` : `−${amount}`}
      </span>
    </button>
  );
}
