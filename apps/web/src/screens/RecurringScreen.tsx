import type { Kakeibo, MaterializedRow, Occurrence } from '@kakeibo/client/browser';
import { useAccounts } from '../app/accounts.js';
import { useCategories } from '../app/categories.js';
import { useKakeibo, useLive } from '../app/kakeibo.js';
import { locale } from '../app/preferences.js';
import { useTap } from '../app/undo.js';
import { RecurringForm } from '../components/RecurringForm.js';
import { dateLabel } from '../lib/dates.js';
import { money } from '../lib/money.js';

/** How many upcoming occurrences a rule shows (the next 60 days hold at most this many of most rules). */
const SHOWN = 4;

/** Every rule with its next occurrences (within 60 days), and everything read for it. */
async function loadRules(kb: Kakeibo) {
  const rules: MaterializedRow[] = [];
  let cursor: string | undefined;
  do {
    const page = await kb.recurring.list({ limit: 500, ...(cursor && { cursor }) });
    rules.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  const upcoming = new Map<string, Occurrence[]>();
  for (const o of await kb.recurring.upcoming()) {
    const list = upcoming.get(o.ruleId) ?? [];
    list.push(o);
    upcoming.set(o.ruleId, list);
  }
  return { rules, upcoming };
}

/**
 * Recurring entries: the rules, what each writes and when, its upcoming occurrences (skip one), and
 * a form for a new rule. Due occurrences become ordinary entries on their day, on whichever device
 * runs first (the SDK materialises them at open and after every sync round).
 */
export function RecurringScreen() {
  // Upcoming occurrences change as rules change, and as entries are written (an occurrence written
  // is no longer upcoming).
  const data = useLive(loadRules, ['recurring', 'expenses', 'income'], []);
  return (
    <div className="stack">
      <section className="card" aria-labelledby="rules">
        <h2 id="rules">Recurring entries</h2>
        {data.data?.rules.length === 0 && (
          <p className="muted">None yet: add rent, a salary or a subscription below.</p>
        )}
        <ul className="plain">
          {(data.data?.rules ?? []).map((rule) => (
            <RuleLine key={rule.id} rule={rule} upcoming={data.data?.upcoming.get(rule.id) ?? []} />
          ))}
        </ul>
      </section>
      <RecurringForm />
    </div>
  );
}

function RuleLine({ rule, upcoming }: { rule: MaterializedRow; upcoming: readonly Occurrence[] }) {
  const kb = useKakeibo();
  const tap = useTap();
  const lang = locale();
  const categories = useCategories();
  const accounts = useAccounts();
  const income = rule.kind === 'income';
  const party = String(rule.party || '') || (income ? 'Income' : 'Expense');
  const amount = money(Number(rule.amount), String(rule.currency), lang);
  const category = typeof rule.categoryId === 'string' ? categories.byId.get(rule.categoryId)?.name : null;
  const account = typeof rule.accountId === 'string' ? accounts.byId.get(rule.accountId)?.name : null;
  const end = typeof rule.endDate === 'string' ? ` until ${dateLabel(rule.endDate, lang)}` : '';
  return (
    <li className="inventory-line" data-testid="rule">
      <div className="budget-line-head">
        <strong>{party}</strong>
        <span className={income ? 'income' : ''}>{income ? `+${amount}` : `−${amount}`}</span>
      </div>
      <div className="muted small">
        {describeSchedule(rule)}, from {dateLabel(String(rule.startDate), lang)}
        {end}
        {category ? ` · ${category}` : ''}
        {account ? ` · ${account}` : ''}
      </div>
      {upcoming.length === 0 ? (
        <p className="muted small">Nothing due in the next 60 days.</p>
      ) : (
        <ul className="plain upcoming" aria-label={`Upcoming ${party}`}>
          {upcoming.slice(0, SHOWN).map((o) => (
            <li key={o.date} className="device-line" data-testid="occurrence">
              <span>{dateLabel(o.date, lang)}</span>
              <button
                type="button"
                className="link-button"
                onClick={() =>
                  tap(`${party} on ${dateLabel(o.date, lang)} skipped`, () =>
                    kb.recurring.skip(rule.id, o.date),
                  )
                }
              >
                Skip<span className="visually-hidden"> {dateLabel(o.date, lang)}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="actions-inline">
        <button
          type="button"
          className="link-button danger-text"
          onClick={() => tap(`Recurring ${party} deleted`, () => kb.recurring.remove(rule.id))}
        >
          Delete rule<span className="visually-hidden"> {party}</span>
        </button>
      </div>
    </li>
  );
}

const UNIT_WORDS: Record<string, [string, string]> = {
  day: ['day', 'days'],
  week: ['week', 'weeks'],
  month: ['month', 'months'],
  year: ['year', 'years'],
};

/** "Every month on day 25", "Every 2 weeks", "Every day". */
export function describeSchedule(rule: MaterializedRow): string {
  const every = Number(rule.every);
  const [one, many] = UNIT_WORDS[String(rule.unit)] ?? [String(rule.unit), String(rule.unit)];
  const base = every === 1 ? `Every ${one}` : `Every ${every} ${many}`;
  const day = typeof rule.dayOfMonth === 'number' ? ` on day ${rule.dayOfMonth}` : '';
  return `${base}${day}`;
}
