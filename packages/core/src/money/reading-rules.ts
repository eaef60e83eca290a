import { KakeiboError } from '../errors.js';

/*
 * Locale-aware reading rules for typed amounts, derived from Intl so they always agree with what
 * formatAmount prints. Internal to money/ (parse.ts reads with them, format.ts shares the formatters).
 */

export interface Separators {
  readonly decimal: string;
  readonly groups: ReadonlySet<string>;
}

export interface ReadingRules {
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
export function numberFormat(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
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

export const unmark = (s: string) => s.replace(BIDI_MARKS, '');

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

export function readingRules(locale: string, currency: string): ReadingRules {
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
