import type { CategoryRow } from '../app/categories.js';
import { leftToAssign, type SplitDraft, splitStatus } from '../app/split-draft.js';

/**
 * The parts of a split expense in the entry sheet: a category, an amount and a note per part, and a
 * live line saying what is left to assign, so the person sees at once which part to change.
 */
export function SplitFields({
  parts,
  onChange,
  categories,
  total,
  currency,
  locale,
}: {
  parts: readonly SplitDraft[];
  onChange(parts: SplitDraft[]): void;
  categories: readonly CategoryRow[];
  /** The entry's amount in minor units, or null while it cannot be read. */
  total: number | null;
  currency: string;
  locale: string;
}) {
  const update = (i: number, patch: Partial<SplitDraft>) =>
    onChange(parts.map((part, j) => (j === i ? { ...part, ...patch } : part)));
  const left = total === null ? null : leftToAssign(total, parts, currency, locale);
  return (
    <fieldset className="split-parts">
      <legend>Split among categories</legend>
      {parts.map((part, i) => {
        const n = i + 1;
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: parts have no id of their own; their place is what the labels name
          <div className="split-part" key={i} data-testid="split-part">
            <label className="field grow">
              <span>Category of part {n}</span>
              <select value={part.categoryId} onChange={(e) => update(i, { categoryId: e.target.value })}>
                <option value="">None</option>
                {categories.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              <span>Amount of part {n}</span>
              <input
                inputMode="decimal"
                autoComplete="off"
                value={part.amount}
                onChange={(e) => update(i, { amount: e.target.value })}
              />
            </label>
            <label className="field grow">
              <span>Note of part {n}</span>
              <input
                autoComplete="off"
                maxLength={200}
                value={part.note}
                onChange={(e) => update(i, { note: e.target.value })}
              />
            </label>
            <button
              type="button"
              className="icon-button"
              aria-label={`Remove part ${n}`}
              onClick={() => onChange(parts.filter((_, j) => j !== i))}
            >
              ✕
            </button>
          </div>
        );
      })}
      <p className="split-status" role="status" data-testid="split-status">
        {total === null ? 'Enter the amount first.' : splitStatus(left, currency, locale)}
      </p>
      <button type="button" onClick={() => onChange([...parts, { categoryId: '', amount: '', note: '' }])}>
        Add a part
      </button>
    </fieldset>
  );
}
