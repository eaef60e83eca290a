import { KakeiboError } from '../errors.js';
import { exponentOf } from './checks.js';
import { minorFromDigits } from './decimal.js';
import { formatAmount } from './format.js';
import { type ReadingRules, readingRules, type Separators, unmark } from './reading-rules.js';

/* parseAmount: what a person typed, in their locale, as exact minor units, or a message saying why not. */

const SEPARATOR_NAMES: Readonly<Record<string, string>> = {
  ' ': 'a space',
  '\u00a0': 'a no-break space',
  '\u202f': 'a narrow no-break space',
  '\u2009': 'a thin space',
  "'": 'an apostrophe',
  '\u2019': 'an apostrophe',
};
const describeChar = (ch: string) => SEPARATOR_NAMES[ch] ?? `"${ch}"`;

/** A single sample value per currency shape, so error messages show the exact expected form. */
function sampleAmount(currency: string): number {
  return Number(BigInt('12345678'.slice(0, 4 + exponentOf(currency))));
}

function unreadable(input: string, currency: string, locale: string, reason: string, seps: Separators) {
  const sample = sampleAmount(currency);
  const example = `${formatAmount(sample, currency, locale)}" or "${formatAmount(sample, currency, locale, { display: 'none' })}`;
  const group = seps.groups.values().next().value;
  const grouping = group === undefined ? '' : `, digit groups separated by ${describeChar(group)}`;
  return new KakeiboError(
    'money.invalid_amount',
    `Cannot read ${JSON.stringify(input)} as an amount in ${currency} (locale ${locale}): ${reason}. ` +
      `Expected something like "${example}" (decimal separator ${describeChar(seps.decimal)}${grouping}; ` +
      `a leading minus or parentheses for negative amounts).`,
    { input, currency, locale, reason },
  );
}

interface Shape {
  readonly body: string;
  readonly negative: boolean;
  readonly marked: boolean;
}

function affixAt(text: string, affixes: readonly string[], end: boolean): string | undefined {
  // Case-insensitive so '12.50 eur' reads as euros; symbols have no case, so nothing else changes.
  return affixes.find((a) => {
    const slice = end ? text.slice(text.length - a.length) : text.slice(0, a.length);
    return slice.length === a.length && slice.toUpperCase() === a.toUpperCase();
  });
}

/**
 * Peels sign, currency marker and accounting parentheses off both ends, in whatever order the locale
 * writes them ('-€1', '€ -1', 'CHF-1', '(€1)', '1 €'). Each may appear at most once, and a sign never
 * combines with parentheses, so '-(1)' is an error rather than a guess.
 */
function peel(text: string, rules: ReadingRules, fail: (reason: string) => KakeiboError): Shape {
  let rest = text;
  let sign: boolean | undefined;
  let marker: string | undefined;
  let open = false;
  for (;;) {
    rest = rest.trimStart();
    const s = rules.signs.get(rest.charAt(0));
    const prefix = marker === undefined ? affixAt(rest, rules.affixes, false) : undefined;
    if (s !== undefined && sign === undefined && !open) {
      sign = s;
      rest = rest.slice(1);
    } else if (prefix !== undefined) {
      marker = prefix;
      rest = rest.slice(prefix.length);
    } else if (rest.startsWith('(') && !open && sign === undefined) {
      open = true;
      rest = rest.slice(1);
    } else break;
  }
  let closed = false;
  for (;;) {
    rest = rest.trimEnd();
    const suffix = marker === undefined ? affixAt(rest, rules.affixes, true) : undefined;
    if (open && !closed && rest.endsWith(')')) {
      closed = true;
      rest = rest.slice(0, -1);
    } else if (suffix !== undefined) {
      marker = suffix;
      rest = rest.slice(0, rest.length - suffix.length);
    } else break;
  }
  if (open !== closed) throw fail('an opening parenthesis without a closing one');
  return { body: rest, negative: sign === true || open, marked: marker !== undefined };
}

/** Grouping must look like grouping: 1,234,567 or the Indian 12,34,567, never 1,2,3 or 12,34. */
function wellGrouped(runs: readonly number[]): boolean {
  if (runs.length === 1) return true;
  const first = runs[0] ?? 0;
  const last = runs[runs.length - 1];
  const middle = runs.slice(1, -1);
  return first >= 1 && first <= 3 && last === 3 && middle.every((n) => n === 2 || n === 3);
}

function readDigits(
  body: string,
  seps: Separators,
  rules: ReadingRules,
  fail: (reason: string) => KakeiboError,
) {
  let whole = '';
  let fraction: string | undefined;
  const runs: number[] = [0];
  for (const ch of body) {
    const digit = rules.digits.get(ch);
    if (digit !== undefined && fraction === undefined) {
      whole += digit;
      runs[runs.length - 1] = (runs[runs.length - 1] ?? 0) + 1;
    } else if (digit !== undefined) {
      fraction += digit;
    } else if (ch === seps.decimal) {
      if (fraction !== undefined) throw fail(`more than one decimal separator ${describeChar(ch)}`);
      fraction = '';
    } else if (seps.groups.has(ch)) {
      if (fraction !== undefined) throw fail(`a digit-group separator after the decimal separator`);
      runs.push(0);
    } else {
      throw fail(`unexpected character ${describeChar(ch)}`);
    }
  }
  if (whole === '' && !fraction) throw fail('there are no digits');
  if (fraction === '') throw fail('there are no digits after the decimal separator');
  if (!wellGrouped(runs)) throw fail('the digit-group separators are in the wrong places');
  return { whole, fraction: fraction ?? '' };
}

/**
 * Reads an amount the way a person types it into `locale`, returning integer minor units.
 *
 * Deliberately strict and predictable: the text is read only with the locale's own separators. '12.50'
 * in de-DE is an error (there '.' groups thousands), never silently 1250 or 125000, and '1.234' in en-US is
 * 1.234, which is an error for EUR (too many decimals) and 1234 fils for BHD. Bare numbers use the locale's
 * number separators; numbers carrying a currency symbol or code use its currency-format separators (see
 * ReadingRules.marked). Accepted around the digits: one sign ('-', '−', '+'), or accounting parentheses,
 * and one currency symbol or ISO code before or after. No exponents, hex, Infinity or NaN.
 */
export function parseAmount(input: string, currency: string, locale = 'en-US'): number {
  exponentOf(currency);
  const rules = readingRules(locale, currency);
  const text = typeof input === 'string' ? unmark(input).trim() : '';
  const fail = (seps: Separators) => (reason: string) =>
    unreadable(String(input), currency, locale, reason, seps);
  if (text === '') throw fail(rules.bare)('the text is empty');
  const shape = peel(text, rules, fail(rules.bare));
  const seps = shape.marked ? rules.marked : rules.bare;
  const { whole, fraction } = readDigits(shape.body, seps, rules, fail(seps));
  return minorFromDigits(shape.negative, whole, fraction, currency, String(input));
}
