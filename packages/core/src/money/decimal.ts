import { KakeiboError } from '../errors.js';
import { checkAmount, exponentOf, toAmount } from './checks.js';

/* Exact decimal strings <-> minor units: pure string arithmetic on the digits, never a float. */

/**
 * Joins whole and fraction digit strings into minor units. Fewer fraction digits than the exponent are
 * padded ('12.5' EUR is 1250); more are refused rather than rounded, because silently dropping a digit
 * someone typed changes their money.
 */
export function minorFromDigits(
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
