import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type DateOrder,
  type DecimalMark,
  guessDateOrder,
  guessDecimalMark,
  readDate,
  readLocaleAmount,
  readPlainAmount,
} from '../src/import/index.js';
import { currencyExponent, toDecimalString } from '../src/money/index.js';

/*
 * The CSV number and date readers read back exactly what a locale wrote: a random amount formatted the
 * way Intl formats money in that locale (grouping, decimal comma, signs, accounting parentheses,
 * symbols), or a random date in a bank's style (two-digit years included).
 */

const LOCALES = [
  'en-US',
  'en-GB',
  'de-DE',
  'de-CH',
  'fr-FR',
  'nl-NL',
  'it-IT',
  'es-ES',
  'sv-SE',
  'pl-PL',
  'ja-JP',
  'en-IN',
  'pt-BR',
];
const CURRENCIES = ['EUR', 'USD', 'JPY', 'CHF', 'BHD', 'SEK', 'GBP', 'INR'];

const decimalOf = (locale: string): DecimalMark =>
  (new Intl.NumberFormat(locale).formatToParts(1.5).find((p) => p.type === 'decimal')?.value ?? '.') === ','
    ? ','
    : '.';

// Intl formats a decimal string exactly (no float on the way), so the test compares digit for digit.
const formatExact = (minor: number, currency: string, locale: string, options: Intl.NumberFormatOptions) =>
  new Intl.NumberFormat(locale, { currency, ...options }).format(
    toDecimalString(minor, currency) as unknown as number,
  );

const amount = fc.integer({ min: -99_999_999_999, max: 99_999_999_999 });

describe('readLocaleAmount over locales', () => {
  it('reads Intl-formatted numbers and money back exactly', () => {
    fc.assert(
      fc.property(
        amount,
        fc.constantFrom(...LOCALES),
        fc.constantFrom(...CURRENCIES),
        fc.constantFrom<Intl.NumberFormatOptions>(
          { style: 'currency' },
          { style: 'currency', currencySign: 'accounting' },
          { style: 'currency', currencyDisplay: 'code' },
          { style: 'decimal' },
          { style: 'decimal', useGrouping: false },
        ),
        (minor, locale, currency, options) => {
          const exponent = currencyExponent(currency);
          const text = formatExact(minor, currency, locale, {
            minimumFractionDigits: exponent,
            maximumFractionDigits: exponent,
            ...options,
          });
          expect(readLocaleAmount(text, currency, decimalOf(locale))).toBe(minor);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('reads the sign styles of bank exports: trailing minus, CR/DR, parentheses, a plus', () => {
    fc.assert(
      fc.property(amount, fc.constantFrom<DecimalMark>('.', ','), fc.nat(4), (minor, decimal, style) => {
        const group = decimal === '.' ? ',' : '.';
        const digits = toDecimalString(Math.abs(minor), 'EUR');
        const [whole = '', fraction = ''] = digits.split('.');
        const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, group);
        const body = `${grouped}${decimal}${fraction}`;
        const negative = minor < 0;
        const text = [
          negative ? `${body}-` : body,
          `${body} ${negative ? 'DR' : 'CR'}`,
          negative ? `(${body})` : body,
          negative ? `-${body}` : `+${body}`,
          negative ? `- € ${body}` : `€ ${body}`,
        ][style] as string;
        expect(readLocaleAmount(text, 'EUR', decimal)).toBe(minor);
      }),
    );
  });

  it('guesses the decimal mark of a column written in one locale', () => {
    fc.assert(
      fc.property(
        fc.array(amount, { minLength: 3, maxLength: 20 }),
        fc.constantFrom(...LOCALES),
        (minors, locale) => {
          const samples = minors.map((m) =>
            formatExact(m, 'EUR', locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 }),
          );
          // Whole amounts ending ,00 or .00 still settle it; only a column with no mark at all would not.
          expect(guessDecimalMark(samples, 'EUR').decimal).toBe(decimalOf(locale));
        },
      ),
    );
  });

  it('refuses what is not an amount rather than guessing', () => {
    for (const text of ['1,2,3', '12.34.56', '--5', 'abc', '1.234,5,6', '(-5)']) {
      expect(() => readLocaleAmount(text, 'EUR', '.')).toThrow();
    }
    expect(() => readLocaleAmount('1.234', 'EUR', '.')).toThrow(/decimal places/);
    expect(readLocaleAmount('1.230', 'EUR', '.')).toBe(123);
    expect(readLocaleAmount('', 'EUR', '.')).toBeNull();
    expect(readPlainAmount('-3.77000', 'USD')).toBe(-377);
    expect(readPlainAmount('.5', 'USD')).toBe(50);
    expect(readPlainAmount('12,5', 'EUR')).toBe(1250);
    expect(readLocaleAmount('１，２３４円', 'JPY', '.')).toBe(1234);
    expect(readLocaleAmount('▲1,234', 'JPY', '.')).toBe(-1234);
  });
});

const date = fc
  .date({ min: new Date(Date.UTC(1970, 0, 1)), max: new Date(Date.UTC(2068, 11, 31)), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

const STYLES: Array<{
  order: DateOrder;
  write: (y: string, m: string, d: string) => string;
  twoDigit?: boolean;
}> = [
  { order: 'dmy', write: (y, m, d) => `${d}.${m}.${y}` },
  { order: 'dmy', write: (y, m, d) => `${d}.${m}.${y.slice(2)}`, twoDigit: true },
  { order: 'dmy', write: (y, m, d) => `${d}/${m}/${y}` },
  { order: 'dmy', write: (y, m, d) => `${Number(d)}-${Number(m)}-${y.slice(2)}`, twoDigit: true },
  { order: 'mdy', write: (y, m, d) => `${m}/${d}/${y}` },
  { order: 'mdy', write: (y, m, d) => `${Number(m)}/${Number(d)}/${y.slice(2)}`, twoDigit: true },
  { order: 'ymd', write: (y, m, d) => `${y}-${m}-${d}` },
  { order: 'ymd', write: (y, m, d) => `${y}${m}${d}` },
  { order: 'ymd', write: (y, m, d) => `${y}/${m}/${d}` },
  { order: 'ymd', write: (y, m, d) => `${y}-${m}-${d}T10:11:12+01:00` },
  { order: 'ymd', write: (y, m, d) => `${y}年${Number(m)}月${Number(d)}日` },
];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

describe('readDate over bank date styles', () => {
  it('reads every style back to the same day, two-digit years included (69-99 -> 19xx, 00-68 -> 20xx)', () => {
    fc.assert(
      fc.property(date, fc.constantFrom(...STYLES), (iso, style) => {
        const [y = '', m = '', d = ''] = iso.split('-');
        expect(readDate(style.write(y, m, d), style.order)).toBe(iso);
      }),
      { numRuns: 2000 },
    );
  });

  it('reads month names', () => {
    fc.assert(
      fc.property(date, fc.boolean(), (iso, nameFirst) => {
        const [y = '', m = '', d = ''] = iso.split('-');
        const month = MONTHS[Number(m) - 1] as string;
        const text = nameFirst ? `${month} ${Number(d)}, ${y}` : `${d}-${month}-${y}`;
        expect(readDate(text, 'dmy')).toBe(iso);
      }),
    );
  });

  it('guesses the order of a sorted column, and says when it cannot', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(date, { minLength: 2, maxLength: 30 }),
        fc.constantFrom(...STYLES.slice(2, 6)),
        (dates, style) => {
          const sorted = [...dates].sort();
          const samples = sorted.map((iso) => {
            const [y = '', m = '', d = ''] = iso.split('-');
            return style.write(y, m, d);
          });
          const guess = guessDateOrder(samples);
          if (!guess.ambiguous) {
            expect(samples.map((s) => readDate(s, guess.order))).toEqual(sorted);
          }
        },
      ),
    );
    expect(guessDateOrder(['03/04/2024'])).toMatchObject({ order: 'dmy', ambiguous: true });
    expect(guessDateOrder(['03/04/2024', '03/13/2024'])).toMatchObject({ order: 'mdy', ambiguous: false });
    expect(guessDateOrder(['22.02.18'])).toMatchObject({ order: 'dmy', ambiguous: false });
    expect(guessDateOrder(['2018-02-22', '2018-03-01'])).toMatchObject({ ambiguous: false });
  });

  it('rejects days that do not exist', () => {
    expect(readDate('31.04.2024', 'dmy')).toBeNull();
    expect(readDate('29/02/2023', 'dmy')).toBeNull();
    expect(readDate('29/02/2024', 'dmy')).toBe('2024-02-29');
    expect(readDate('13/01/2024', 'mdy')).toBeNull();
    expect(readDate('Total', 'dmy')).toBeNull();
  });
});
