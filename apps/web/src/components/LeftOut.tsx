import { locale } from '../app/preferences.js';
import { money } from '../lib/money.js';

export interface LeftOutItem {
  currency: string;
  amount: number;
  count: number;
  /** Said after the amount when a total has several kinds ("spent", "income"). */
  what?: string;
}

/**
 * Amounts a total could not count because their currency has no exchange rate into `into` on or
 * before their day, said in words with what to do, so that a total never leaves money out silently.
 */
export function LeftOut({ items, into }: { items: readonly LeftOutItem[]; into: string }) {
  const lang = locale();
  if (items.length === 0) return null;
  const parts = items.map(
    (l) =>
      `${money(l.amount, l.currency, lang)}${l.what ? ` ${l.what}` : ''} (${l.count === 1 ? '1 entry' : `${l.count} entries`})`,
  );
  const currencies = [...new Set(items.map((l) => l.currency))].join(' and ');
  return (
    <p className="warning small" data-testid="left-out">
      Not counted: {parts.join(', ')}, because no exchange rate from {currencies} to {into} is entered for
      their date or before. Add one in Settings, under Exchange rates.
    </p>
  );
}
