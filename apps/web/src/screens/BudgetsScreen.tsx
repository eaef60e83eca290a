import type { BudgetProgress, MaterializedRow } from '@kakeibo/client/browser';
import { useId, useState } from 'react';
import { useCategories } from '../app/categories.js';
import { useKakeibo, useLive } from '../app/kakeibo.js';
import { locale } from '../app/preferences.js';
import { useChange, useTap } from '../app/undo.js';
import { BudgetForm, type BudgetValues, type Period } from '../components/BudgetForm.js';
import { LeftOut } from '../components/LeftOut.js';
import { ProgressBar } from '../components/ProgressBar.js';
import { rangeLabel, thisMonth } from '../lib/dates.js';
import { money } from '../lib/money.js';
import { changedFields } from '../lib/patch.js';

const PERIOD_WORD: Record<Period, string> = { weekly: 'Weekly', monthly: 'Monthly', yearly: 'Yearly' };

/**
 * Budgets per category with progress bars, each edited in place (limit, period, rollover, alert
 * threshold); a warning when one is over or past its alert; what other currencies left out.
 */
export function BudgetsScreen() {
  const kb = useKakeibo();
  const change = useChange();
  const month = thisMonth();
  // Progress converts other currencies at the entered rates: a new rate changes it.
  const progress = useLive(
    async (k) => {
      const [lines, rows] = await Promise.all([k.budgets.progress({ month }), k.budgets.listAll()]);
      return { lines, rows: new Map(rows.map((r) => [r.id, r])) };
    },
    ['budgets', 'expenses', 'rates'],
    [month],
  );
  const lines = progress.data?.lines ?? [];
  const over = lines.filter((b) => b.over);
  const alerting = lines.filter((b) => b.alert && !b.over);

  return (
    <div className="stack">
      {(over.length > 0 || alerting.length > 0) && (
        <p className="warning" role="alert">
          {[
            over.length === 1 ? 'One budget is over its limit.' : '',
            over.length > 1 ? `${over.length} budgets are over their limit.` : '',
            alerting.length === 1 ? 'One budget has reached its alert threshold.' : '',
            alerting.length > 1 ? `${alerting.length} budgets have reached their alert threshold.` : '',
          ]
            .filter(Boolean)
            .join(' ')}
        </p>
      )}
      <section className="card" aria-labelledby="budget-list">
        <h2 id="budget-list">This period</h2>
        {progress.data?.lines.length === 0 && <p className="muted">No budgets yet.</p>}
        <ul className="plain">
          {lines.map((b) => (
            <BudgetLine key={b.budgetId} line={b} row={progress.data?.rows.get(b.budgetId)} />
          ))}
        </ul>
      </section>
      <section className="card" aria-labelledby="new-budget">
        <h2 id="new-budget">New budget</h2>
        <BudgetForm
          labelledBy="new-budget"
          submit="Add budget"
          onSave={async (values) => {
            await change('Budget added', () =>
              kb.budgets.create({ ...values, startDate: `${thisMonth()}-01` }),
            );
          }}
        />
      </section>
    </div>
  );
}

function BudgetLine({ line: b, row }: { line: BudgetProgress; row: MaterializedRow | undefined }) {
  const kb = useKakeibo();
  const change = useChange();
  const tap = useTap();
  const lang = locale();
  const categories = useCategories();
  const [editing, setEditing] = useState(false);
  const formId = useId();
  const name = b.categoryId ? (categories.byId.get(b.categoryId)?.name ?? 'Category') : 'All spending';
  const rollover = row?.rollover === true;

  return (
    <li className="budget-line" data-testid="budget">
      <div className="budget-line-head">
        <strong>{name}</strong>
        <span className="muted budget-period">
          {PERIOD_WORD[b.period]} · {rangeLabel(b.from, b.to, lang)}
          {rollover ? ' · rolls over' : ''}
        </span>
      </div>
      <ProgressBar percent={b.percent} alert={b.alert} over={b.over} label={`${name} budget`} />
      <div className="budget-line-head">
        <span data-testid="budget-spent">
          {money(b.spent, b.currency, lang)} of {money(b.limit, b.currency, lang)}
        </span>
        <span className={b.over ? 'over-text' : b.alert ? 'alert-text' : 'muted'}>
          {b.over
            ? `Over by ${money(-b.remaining, b.currency, lang)}`
            : `${money(b.remaining, b.currency, lang)} left`}
        </span>
      </div>
      {b.alert && !b.over && (
        <p className="alert-text small" data-testid="budget-alert">
          {b.percent}% spent: past the {b.alertThresholdPercent}% alert you set.
        </p>
      )}
      <LeftOut items={b.leftOut} into={b.currency} />
      {editing && row ? (
        <div className="budget-edit">
          <h3 id={formId} className="visually-hidden">
            Edit the {name} budget
          </h3>
          <BudgetForm
            labelledBy={formId}
            submit="Save budget"
            initial={valuesOf(row)}
            onCancel={() => setEditing(false)}
            onSave={async (values) => {
              const { categoryId: _, ...fields } = values;
              const patch = changedFields(row, fields);
              await change('Budget saved', () => kb.budgets.update(b.budgetId, patch));
              setEditing(false);
            }}
          />
        </div>
      ) : (
        <div className="actions-inline">
          <button type="button" className="link-button" onClick={() => setEditing(true)}>
            Edit<span className="visually-hidden"> the {name} budget</span>
          </button>
          <button
            type="button"
            className="link-button danger-text"
            onClick={() => tap('Budget deleted', () => kb.budgets.remove(b.budgetId))}
          >
            Delete budget
          </button>
        </div>
      )}
    </li>
  );
}

function valuesOf(row: MaterializedRow): BudgetValues {
  return {
    categoryId: typeof row.categoryId === 'string' ? row.categoryId : null,
    limitAmount: Number(row.limitAmount),
    currency: String(row.currency),
    period: row.period as Period,
    rollover: row.rollover === true,
    alertThresholdPercent: Number(row.alertThresholdPercent),
  };
}
