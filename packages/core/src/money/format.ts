import { exponentOf } from './checks.js';
import { toDecimalString } from './decimal.js';
import { numberFormat } from './reading-rules.js';

export type AmountDisplay = 'symbol' | 'code' | 'none';
export interface FormatAmountOptions {
  display?: AmountDisplay;
}

/**
 * Formats minor units for display. Fraction digits are pinned to the ISO 4217 exponent rather than CLDR's
 * (CLDR shows IQD with 0 decimals, ISO with 3) so every stored unit is visible and the text parses back
 * to the same amount. Intl receives an exact decimal string, never a float.
 */
export function formatAmount(
  amount: number,
  currency: string,
  locale = 'en-US',
  options: FormatAmountOptions = {},
): string {
  const exponent = exponentOf(currency);
  const decimal = toDecimalString(amount, currency) as Intl.StringNumericLiteral;
  const digits = { minimumFractionDigits: exponent, maximumFractionDigits: exponent };
  const display = options.display ?? 'symbol';
  const nf =
    display === 'none'
      ? numberFormat(locale, { style: 'decimal', ...digits })
      : numberFormat(locale, { style: 'currency', currency, currencyDisplay: display, ...digits });
  return nf.format(decimal);
}
