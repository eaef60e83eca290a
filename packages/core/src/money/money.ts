import { z } from 'zod';
import { KakeiboError } from '../errors.js';
import { CurrencyCodeSchema, MAX_AMOUNT, MinorUnitsSchema } from '../schemas/primitives.js';
import { currencyExponent, isCurrencyCode } from './currencies.js';

/**
 * Money is an integer count of minor units plus an ISO 4217 code. Nothing in this module lets an amount
 * pass through a binary float: text is turned into digit strings and then BigInt, and formatting hands
 * Intl an exact decimal string, so 0.1 + 0.2 style drift cannot reach a ledger.
 */
export const MoneySchema = z.strictObject({ amount: MinorUnitsSchema, currency: CurrencyCodeSchema });
export type Money = z.infer<typeof MoneySchema>;

export type AmountDisplay = 'symbol' | 'code' | 'none';
export interface FormatAmountOptions {
  display?: AmountDisplay;
}

const MAX_BIG = BigInt(MAX_AMOUNT);

// ---------------------------------------------------------------------------------------------------------
// Validation shared by every entry point: the same code for the same mistake wherever it is made.

function exponentOf(currency: string): number {
  if (typeof currency !== 'string' || !isCurrencyCode(currency)) {
    throw new KakeiboError(
      'money.unknown_currency',
      `Unknown currency ${JSON.stringify(currency)}: expected an upper-case ISO 4217 code that has a minor unit, such as EUR, JPY or BHD.`,
      { currency },
    );
  }
  return currencyExponent(currency);
}

function outOfRange(value: bigint | number, what: string): KakeiboError {
  return new KakeiboError(
    'money.out_of_range',
    `${what} (${value} minor units) is outside the supported range of -${MAX_AMOUNT} to ${MAX_AMOUNT} minor units.`,
    { value: String(value), max: MAX_AMOUNT },
  );
}

/** Accepts only integers in ±MAX_AMOUNT: a fraction here means a caller already did float math. */
function checkAmount(amount: number, what = 'Amount'): number {
  if (typeof amount !== 'number' || !Number.isInteger(amount)) {
    throw new KakeiboError(
      'money.invalid_amount',
      `${what} must be an integer count of minor units (e.g. 1250 for 12.50 EUR), got ${String(amount)}.`,
      { amount: String(amount) },
    );
  }
  if (amount > MAX_AMOUNT || amount < -MAX_AMOUNT) throw outOfRange(amount, what);
  return amount;
}

/** Range-checks in BigInt first, so the conversion to number is always exact. */
function toAmount(value: bigint, what: string): number {
  if (value > MAX_BIG || value < -MAX_BIG) throw outOfRange(value, what);
  return Number(value);
}

function checkMoney(money: Money, what: string): Money {
  if (typeof money !== 'object' || money === null) {
    throw new KakeiboError('money.invalid_amount', `${what} must be an object { amount, currency }.`);
  }
  exponentOf(money.currency);
  checkAmount(money.amount, what);
  return money;
}

function sameCurrency(items: readonly Money[], expected?: string): string | undefined {
  const found = new Set(items.map((m) => m.currency));
  if (expected !== undefined) found.add(expected);
  if (found.size > 1) {
    const list = [...found].sort().join(', ');
    throw new KakeiboError(
      'money.mixed_currencies',
      `Cannot combine amounts in different currencies (${list}); convert them to one currency first.`,
      { currencies: [...found].sort() },
    );
  }
  return found.values().next().value;
}

// ---------------------------------------------------------------------------------------------------------
// Exact decimal strings <-> minor units.

/**
 * Joins whole and fraction digit strings into minor units. Fewer fraction digits than the exponent are
 * padded ('12.5' EUR is 1250); more are refused rather than rounded, because silently dropping a digit
 * someone typed changes their money.
 */
function minorFromDigits(
  negative: boolean,
  whole: string,
  fraction: string,
  currency: string,
  input: string,
) {
  const exponent = exponentOf(currency);
  if (fraction.length > exponent) {
    const allowed =
      exponent === 0
        ? `${currency} amounts have no decimal places`
        : `${currency} allows at most ${exponent}`;
    throw new KakeiboError(
      'money.too_many_decimals',
      `"${input}" has ${fraction.length} decimal place${fraction.length === 1 ? '' : 's'}, but ${allowed}.`,
      { input, currency, exponent, decimals: fraction.length },
    );
  }
  const magnitude = BigInt(`${whole || '0'}${fraction.padEnd(exponent, '0')}`);
  return toAmount(negative ? -magnitude : magnitude, `"${input}"`);
}

/** 1250 EUR → '12.50', 1250 JPY → '1250', -5 BHD → '-0.005'. Pure string arithmetic on the digits. */
export function toDecimalString(amount: number, currency: string): string {
  const exponent = exponentOf(currency);
  checkAmount(amount);
  // Safe integers print as plain digits (no exponent notation below 1e21), so String() is exact here.
  const digits = String(amount < 0 ? -amount : amount).padStart(exponent + 1, '0');
  const sign = amount < 0 ? '-' : '';
  if (exponent === 0) return `${sign}${digits}`;
  const cut = digits.length - exponent;
  return `${sign}${digits.slice(0, cut)}.${digits.slice(cut)}`;
}

const DECIMAL_STRING = /^(-?)(\d+)(?:\.(\d+))?$/;

/**
 * The machine form used by CSV/JSON import: ASCII digits, '.' decimal point, optional leading '-', nothing
 * else (no grouping, no '+', no exponent). Locale-aware reading is parseAmount's job.
 */
export function fromDecimalString(s: string, currency: string): number {
  exponentOf(currency);
  const match = typeof s === 'string' ? DECIMAL_STRING.exec(s) : null;
  if (!match) {
    throw new KakeiboError(
      'money.invalid_amount',
      `${JSON.stringify(s)} is not a plain decimal amount: expected digits with an optional leading '-' and '.' decimal point, e.g. "-1234.50".`,
      { input: String(s), currency },
    );
  }
  return minorFromDigits(match[1] === '-', match[2] ?? '', match[3] ?? '', currency, s);
}

// ---------------------------------------------------------------------------------------------------------
// Locale-aware reading rules, derived from Intl so they always agree with what formatAmount prints.

interface Separators {
  readonly decimal: string;
  readonly groups: ReadonlySet<string>;
}

interface ReadingRules {
  /** Separators for a bare number, as `Intl.NumberFormat(locale)` prints it. */
  readonly bare: Separators;
  /**
   * Separators when a currency symbol or code is present. CLDR lets these differ from the bare ones
   * (fr-CH prints 1 234,5 but 1 234.50 CHF; de-AT groups numbers with a space but money with '.'),
   * so the text's own shape picks which set applies: exactly the inverse of formatAmount.
   */
  readonly marked: Separators;
  /** Symbols and codes that may lead or trail the number; longest first so 'US$' wins over '$'. */
  readonly affixes: readonly string[];
  /** Sign characters, mapped to whether they make the amount negative. */
  readonly signs: ReadonlyMap<string, boolean>;
  /** Every accepted digit character (ASCII, the locale's own numerals, full-width) → ASCII digit. */
  readonly digits: ReadonlyMap<string, string>;
}

// Bidi controls surround numbers in RTL locales (ar, he, fa); they are invisible and carry no meaning.
const BIDI_MARKS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
// Typing a narrow no-break space is impractical, so any space stands in for any other as a group mark.
const SPACES = [' ', '\u00a0', '\u202f', '\u2009'];
// CLDR has used both U+0027 and U+2019 for Swiss grouping over the years; people type either.
const APOSTROPHES = ["'", '\u2019'];
const PROBE = '1234567.5';

const rulesCache = new Map<string, ReadingRules>();
const formatterCache = new Map<string, Intl.NumberFormat>();

/** Intl formatters are costly to build; keep a bounded set keyed by every option that shapes output. */
function numberFormat(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let nf = formatterCache.get(key);
  if (nf === undefined) {
    try {
      nf = new Intl.NumberFormat(locale, options);
    } catch (error) {
      throw new KakeiboError(
        'money.invalid_locale',
        `Unknown or malformed locale ${JSON.stringify(locale)}: expected a BCP 47 tag such as en-US or de-CH.`,
        { locale, cause: String(error) },
      );
    }
    if (formatterCache.size >= 512) formatterCache.clear();
    formatterCache.set(key, nf);
  }
  return nf;
}

const unmark = (s: string) => s.replace(BIDI_MARKS, '');

function separatorsOf(nf: Intl.NumberFormat): Separators {
  const parts = nf.formatToParts(PROBE);
  const decimal = unmark(parts.find((p) => p.type === 'decimal')?.value ?? '.');
  const groups = new Set<string>();
  for (const part of parts) {
    if (part.type !== 'group') continue;
    const mark = unmark(part.value);
    const family = SPACES.includes(mark) ? SPACES : APOSTROPHES.includes(mark) ? APOSTROPHES : [mark];
    for (const variant of family) groups.add(variant);
  }
  groups.delete(decimal);
  return { decimal, groups };
}

function addCurrencyParts(nf: Intl.NumberFormat, probe: bigint, found: Set<string>): void {
  for (const part of nf.formatToParts(probe)) {
    const affix = unmark(part.value).trim();
    if (part.type === 'currency' && affix !== '') found.add(affix);
  }
}

function currencyAffixes(locale: string, currency: string): string[] {
  const found = new Set<string>([currency]);
  // English symbols too: a de-CH user may well type '€' although de-CH itself prints 'EUR'.
  for (const tag of [locale, 'en']) {
    for (const currencyDisplay of ['symbol', 'narrowSymbol', 'code'] as const) {
      addCurrencyParts(numberFormat(tag, { style: 'currency', currency, currencyDisplay }), 1n, found);
    }
  }
  // The locale's own currency names ('円', 'euros') are how many people write amounts; 1 and 2 give
  // the singular and plural forms.
  const named = numberFormat(locale, { style: 'currency', currency, currencyDisplay: 'name' });
  addCurrencyParts(named, 1n, found);
  addCurrencyParts(named, 2n, found);
  return [...found].sort((a, b) => b.length - a.length);
}

function localeDigits(locale: string): Map<string, string> {
  const nf = numberFormat(locale, { useGrouping: false });
  const digits = new Map<string, string>();
  for (let d = 0; d <= 9; d += 1) {
    const ascii = String(d);
    digits.set(ascii, ascii);
    // Japanese IMEs produce full-width digits by default.
    digits.set(String.fromCharCode(0xff10 + d), ascii);
    digits.set(unmark(nf.format(BigInt(d))), ascii);
  }
  return digits;
}

function readingRules(locale: string, currency: string): ReadingRules {
  const key = `${locale}|${currency}`;
  const cached = rulesCache.get(key);
  if (cached) return cached;
  const fractionProbe = { minimumFractionDigits: 1, maximumFractionDigits: 1 };
  const signs = new Map<string, boolean>([
    ['-', true],
    ['\u2212', true],
    ['+', false],
  ]);
  const minus = numberFormat(locale, {})
    .formatToParts(-1n)
    .find((p) => p.type === 'minusSign');
  if (minus) signs.set(unmark(minus.value), true);
  const rules: ReadingRules = {
    bare: separatorsOf(numberFormat(locale, fractionProbe)),
    marked: separatorsOf(numberFormat(locale, { style: 'currency', currency, ...fractionProbe })),
    affixes: currencyAffixes(locale, currency),
    signs,
    digits: localeDigits(locale),
  };
  if (rulesCache.size >= 512) rulesCache.clear();
  rulesCache.set(key, rules);
  return rules;
}

// ---------------------------------------------------------------------------------------------------------
// parseAmount

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

// ---------------------------------------------------------------------------------------------------------
// formatAmount

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

// ---------------------------------------------------------------------------------------------------------
// Arithmetic. BigInt keeps every intermediate exact; only results within ±MAX_AMOUNT come back as numbers.

/**
 * Exact sum. Only the total must lie within ±MAX_AMOUNT: intermediate sums are BigInt, so the result
 * does not depend on order (a refund listed after a large expense is not an error).
 */
export function sumAmounts(amounts: readonly number[]): number {
  let total = 0n;
  for (const amount of amounts) total += BigInt(checkAmount(amount));
  return toAmount(total, 'Sum');
}

/** Sums same-currency money; an empty list has no currency of its own, so the caller must name one. */
export function sumMoney(items: readonly Money[], currency?: string): Money {
  if (currency !== undefined) exponentOf(currency);
  for (const item of items) checkMoney(item, 'Item');
  const found = sameCurrency(items, currency);
  if (found === undefined) {
    throw new KakeiboError(
      'money.empty_sum_currency',
      'Cannot sum an empty list of money without knowing its currency: pass the currency argument.',
    );
  }
  return { amount: sumAmounts(items.map((m) => m.amount)), currency: found };
}

function pair(a: Money, b: Money): string {
  checkMoney(a, 'Left amount');
  checkMoney(b, 'Right amount');
  return sameCurrency([a, b]) ?? a.currency;
}

export function addMoney(a: Money, b: Money): Money {
  const currency = pair(a, b);
  return { amount: toAmount(BigInt(a.amount) + BigInt(b.amount), 'Sum'), currency };
}

export function subtractMoney(a: Money, b: Money): Money {
  const currency = pair(a, b);
  return { amount: toAmount(BigInt(a.amount) - BigInt(b.amount), 'Difference'), currency };
}

export function negateMoney(a: Money): Money {
  checkMoney(a, 'Amount');
  // 0 - 0 is +0, whereas -0 would print as "-€0.00" and fail Object.is comparisons.
  return { amount: 0 - a.amount, currency: a.currency };
}

/** -1, 0 or 1; a sort comparator for same-currency money. */
export function compareMoney(a: Money, b: Money): -1 | 0 | 1 {
  pair(a, b);
  return a.amount < b.amount ? -1 : a.amount > b.amount ? 1 : 0;
}

function invalidRatios(ratios: readonly number[], why: string): KakeiboError {
  return new KakeiboError('money.invalid_ratios', `Cannot split by ratios [${ratios.join(', ')}]: ${why}.`, {
    ratios: [...ratios],
  });
}

/**
 * Splits `amount` into integer parts proportional to `ratios` that sum to exactly `amount` (largest
 * remainder). Leftover units go to the largest remainders, ties to the earlier share, so the split is
 * deterministic; a negative amount is split as its magnitude and negated, so refunds mirror charges.
 */
export function allocate(amount: number, ratios: readonly number[]): number[] {
  checkAmount(amount);
  if (ratios.length === 0) throw invalidRatios(ratios, 'at least one ratio is needed');
  if (!ratios.every((r) => Number.isSafeInteger(r) && r >= 0)) {
    throw invalidRatios(ratios, 'ratios must be non-negative integers');
  }
  const weights = ratios.map((r) => BigInt(r));
  const total = weights.reduce((s, w) => s + w, 0n);
  if (total === 0n) throw invalidRatios(ratios, 'at least one ratio must be greater than zero');
  const magnitude = BigInt(amount < 0 ? -amount : amount);
  const parts = weights.map((w) => (magnitude * w) / total);
  const remainders = weights.map((w, i) => ({ i, r: (magnitude * w) % total }));
  remainders.sort((x, y) => (x.r === y.r ? x.i - y.i : x.r > y.r ? -1 : 1));
  let leftover = magnitude - parts.reduce((s, p) => s + p, 0n);
  for (const { i } of remainders) {
    if (leftover === 0n) break;
    parts[i] = (parts[i] ?? 0n) + 1n;
    leftover -= 1n;
  }
  return parts.map((p) => (amount < 0 && p !== 0n ? -Number(p) : Number(p)));
}

/** Integer percentage, rounded down (toward -∞), for budget progress; 0 when the whole is 0. */
export function percentOf(part: number, whole: number): number {
  checkAmount(part, 'Part');
  checkAmount(whole, 'Whole');
  if (whole === 0) return 0;
  const n = BigInt(part) * 100n;
  const d = BigInt(whole);
  let q = n / d;
  // BigInt division truncates toward zero; step down once when the exact quotient was negative.
  if (n % d !== 0n && n < 0n !== d < 0n) q -= 1n;
  if (q > BigInt(Number.MAX_SAFE_INTEGER) || q < -BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new KakeiboError(
      'money.out_of_range',
      `${part} is ${q}% of ${whole}: too large to represent exactly.`,
      {
        part,
        whole,
      },
    );
  }
  return Number(q);
}
