import { KakeiboError } from '../errors.js';
import { currencyExponent, isCurrencyCode } from '../money/currencies.js';
import { minorFromDigits } from '../money/decimal.js';

/*
 * Decimal text as bank files write it -> signed integer minor units, exactly: string arithmetic on the
 * digits (money/decimal.ts), never a float. Two readers: plain machine text (OFX, CAMT, QIF) and the
 * looser way spreadsheets and CSV exports write numbers (grouping, signs, parentheses, symbols).
 */

export type DecimalMark = '.' | ',';

const invalid = (input: string, currency: string, reason: string) =>
  new KakeiboError('import.invalid_amount', `cannot read ${JSON.stringify(input)} as an amount: ${reason}`, {
    input,
    currency,
  });

function requireCurrency(currency: string): number {
  if (!isCurrencyCode(currency)) {
    throw new KakeiboError('money.unknown_currency', `unknown currency ${JSON.stringify(currency)}`, {
      currency,
    });
  }
  return currencyExponent(currency);
}

/**
 * Whole and fraction digits to minor units. Banks pad amounts ("-3.77000", "8.850"): trailing zeros past
 * the currency's exponent carry no money and are dropped; any other extra digit is refused, never rounded.
 */
export function digitsToMinor(
  negative: boolean,
  whole: string,
  fraction: string,
  currency: string,
  input: string,
) {
  const exponent = requireCurrency(currency);
  let cut = fraction;
  while (cut.length > exponent && cut.endsWith('0')) cut = cut.slice(0, -1);
  if (cut.length > exponent) {
    throw invalid(input, currency, `${currency} has ${exponent} decimal places, this has ${fraction.length}`);
  }
  const minor = minorFromDigits(negative, whole.replace(/^0+(?=\d)/, ''), cut, currency, input);
  return minor === 0 ? 0 : minor; // never -0
}

const PLAIN = /^([+-]?)(\d*)(?:[.,](\d*))?$/;

/**
 * Machine-written amounts: OFX TRNAMT/BALAMT, CAMT Amt, QIF without grouping. An optional sign, digits,
 * and '.' or ',' as the decimal point (OFX 1 allows either), e.g. "-30.000", "+5", ".50", "12,5".
 */
export function readPlainAmount(input: string, currency: string): number {
  const text = input.trim().replace(/^\u2212/, '-');
  const match = PLAIN.exec(text);
  if (!match || (!match[2] && !match[3])) throw invalid(input, currency, 'expected digits like -12.50');
  return digitsToMinor(match[1] === '-', match[2] ?? '', match[3] ?? '', currency, input);
}

/** Characters that separate digit groups somewhere in the world, besides the other decimal mark. */
const GROUP_CHARS = new Set([' ', '\u00a0', '\u202f', '\u2009', "'", '\u2019', '.', ',']);
const NEGATIVE_PREFIXES = new Set(['-', '\u2212', '\u2013', '▲', '△']);

/** Grouping must look like grouping: 1,234,567 or the Indian 12,34,567, never 1,2,3 or 12,34. */
function wellGrouped(runs: readonly number[]): boolean {
  if (runs.length === 1) return true;
  const first = runs[0] ?? 0;
  const middle = runs.slice(1, -1);
  return first >= 1 && first <= 3 && runs[runs.length - 1] === 3 && middle.every((n) => n === 2 || n === 3);
}

interface Peeled {
  body: string;
  negative: boolean;
}

/**
 * Takes signs, accounting parentheses, CR/DR markers and currency symbols or codes off both ends, in
 * whatever order a bank writes them: "-€1,00", "€ -1.00", "(1.00)", "1.00-", "12.50 DR", "1.234 EUR".
 */
function peel(raw: string): Peeled | 'two signs' {
  let s = raw;
  let signs = 0;
  let negative = false;
  const flip = (neg: boolean) => {
    signs += 1;
    negative = neg;
  };
  for (let round = 0; round < 6; round += 1) {
    const before = s;
    s = s.trim();
    const paren = /^\((.*)\)$/.exec(s);
    if (paren) {
      flip(true);
      s = paren[1] ?? '';
      continue;
    }
    const marker = /^(.*?)\s*\b(CR|DR|Cr|Dr|cr|dr)\.?$/.exec(s);
    if (marker) {
      flip(marker[2]?.toUpperCase() === 'DR');
      s = marker[1] ?? '';
      continue;
    }
    const first = s.charAt(0);
    if (NEGATIVE_PREFIXES.has(first) || first === '+') {
      flip(first !== '+');
      s = s.slice(1);
      continue;
    }
    if (s.endsWith('-') || s.endsWith('+')) {
      flip(s.endsWith('-'));
      s = s.slice(0, -1);
      continue;
    }
    // Currency symbols and codes ("€", "EUR", "kr.", "円", "US$") at either end carry no amount.
    s = s.replace(/^[\p{Sc}\p{L}]+\.?/u, '').replace(/[\p{Sc}\p{L}]+\.?$/u, '');
    if (s === before) break;
  }
  if (signs > 1) return 'two signs';
  return { body: s.trim(), negative };
}

/**
 * Reads an amount as a spreadsheet or bank CSV writes it, with `decimal` as the decimal mark and any
 * of '.', ',', spaces and apostrophes as digit grouping. Returns null for an empty cell. Full-width
 * digits and signs (Japanese exports) are read as their ASCII forms.
 */
export function readLocaleAmount(input: string, currency: string, decimal: DecimalMark): number | null {
  requireCurrency(currency);
  const text = input.normalize('NFKC').trim();
  if (text === '') return null;
  const peeled = peel(text);
  if (peeled === 'two signs') throw invalid(input, currency, 'more than one sign or marker');
  const { body, negative } = peeled;
  let whole = '';
  let fraction: string | undefined;
  const runs: number[] = [0];
  for (const ch of body) {
    if (ch >= '0' && ch <= '9') {
      if (fraction === undefined) {
        whole += ch;
        runs[runs.length - 1] = (runs[runs.length - 1] ?? 0) + 1;
      } else fraction += ch;
    } else if (ch === decimal) {
      if (fraction !== undefined) throw invalid(input, currency, `more than one decimal mark "${decimal}"`);
      fraction = '';
    } else if (GROUP_CHARS.has(ch)) {
      if (fraction !== undefined) throw invalid(input, currency, 'digit grouping after the decimal mark');
      runs.push(0);
    } else {
      throw invalid(input, currency, `unexpected character ${JSON.stringify(ch)}`);
    }
  }
  if (whole === '' && !fraction) throw invalid(input, currency, 'no digits');
  if (!wellGrouped(runs)) throw invalid(input, currency, 'digit groups in the wrong places');
  return digitsToMinor(negative, whole, fraction ?? '', currency, input);
}

export interface DecimalGuess {
  decimal: DecimalMark;
  /** False when no sample settled it (then '.' unless the currency's exponent says otherwise). */
  certain: boolean;
}

/**
 * Which mark is the decimal point in a column of numbers. A value with both marks settles it (the last
 * one is the decimal); so does one mark followed by other than three digits ("-8,78"). "1,234" alone
 * is read as grouping, since a currency with two decimals cannot have three.
 */
export function guessDecimalMark(samples: readonly string[], currency?: string): DecimalGuess {
  let comma = 0;
  let dot = 0;
  let groupedComma = 0;
  let groupedDot = 0;
  for (const sample of samples) {
    const marks = sample.normalize('NFKC').replace(/[^.,\d]/g, '');
    const lastDot = marks.lastIndexOf('.');
    const lastComma = marks.lastIndexOf(',');
    if (lastDot >= 0 && lastComma >= 0) {
      if (lastDot > lastComma) dot += 1;
      else comma += 1;
      continue;
    }
    const mark = lastDot >= 0 ? '.' : lastComma >= 0 ? ',' : null;
    if (mark === null) continue;
    const count = marks.split(mark).length - 1;
    const after = marks.length - marks.lastIndexOf(mark) - 1;
    if (count > 1 || after === 3) {
      // Several of one mark, or exactly three digits after it: most likely grouping.
      if (mark === '.') groupedDot += 1;
      else groupedComma += 1;
    } else if (mark === '.') dot += 1;
    else comma += 1;
  }
  if (comma > dot) return { decimal: ',', certain: true };
  if (dot > comma) return { decimal: '.', certain: true };
  const exponent = currency && isCurrencyCode(currency) ? currencyExponent(currency) : 2;
  if (exponent !== 3 && groupedDot > groupedComma) return { decimal: ',', certain: false };
  return { decimal: '.', certain: false };
}
