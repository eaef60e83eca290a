import { useLive } from '../app/kakeibo.js';
import { locale } from '../app/preferences.js';
import { monthRange } from '../lib/dates.js';
import { money } from '../lib/money.js';
import { LeftOut } from './LeftOut.js';

/**
 * A month's spending and income in the home currency (Settings), every currency converted at the
 * rates entered there; what has no rate is said in words, never silently dropped. Re-read when
 * entries, rates or the profile change. Nothing is shown before a home currency is chosen.
 */
export function HomeCurrencyTotals({ month }: { month: string }) {
  const lang = locale();
  const range = monthRange(month);
  const totals = useLive(
    async (kb) => {
      const profile = await kb.profile.get();
      if (!profile) return null;
      return kb.reports.converted({ ...range, homeCurrency: String(profile.defaultCurrency) });
    },
    ['expenses', 'income', 'rates', 'profile'],
    [range.from, range.to],
  );
  const t = totals.data;
  if (!t) return null;
  return (
    <div className="stack-tight" data-testid="home-currency-totals">
      <p>
        In {t.homeCurrency}: spent{' '}
        <strong data-testid="converted-spent">{money(t.expenses, t.homeCurrency, lang)}</strong>, income{' '}
        {money(t.income, t.homeCurrency, lang)}
      </p>
      <LeftOut
        items={t.leftOut.map((l) => ({
          currency: l.currency,
          amount: l.amount,
          count: l.count,
          what: l.kind === 'expenses' ? 'spent' : 'income',
        }))}
        into={t.homeCurrency}
      />
    </div>
  );
}
