import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KakeiboError } from '../src/errors.js';
import {
  addMoney,
  allocate,
  CURRENCY_CODES,
  compareMoney,
  currencyExponent,
  formatAmount,
  fromDecimalString,
  type Money,
  MoneySchema,
  negateMoney,
  parseAmount,
  percentOf,
  subtractMoney,
  sumAmounts,
  sumMoney,
  toDecimalString,
} from '../src/money/index.js';
import { MAX_AMOUNT } from '../src/schemas/primitives.js';

const NBSP = '\u00a0';
const NNBSP = '\u202f';

/** Runs `fn` and returns the KakeiboError code it throws; fails the test if it throws anything else. */
function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(KakeiboError);
    return (error as KakeiboError).code;
  }
  return undefined;
}

/** Every parse result in this file goes through here, so the property runs double as a float detector. */
function parse(input: string, currency: string, locale?: string): number {
  const result = parseAmount(input, currency, locale);
  expect(Number.isInteger(result)).toBe(true);
  expect(Object.is(result, -0)).toBe(false);
  return result;
}

describe('parseAmount: examples', () => {
  it.each([
    ['12.50', 'EUR', 'en-US', 1250],
    ['12.5', 'EUR', 'en-US', 1250],
    ['€12.50', 'EUR', 'en-US', 1250],
    ['.5', 'EUR', 'en-US', 50],
    ['1.234,56 €', 'EUR', 'de-DE', 123456],
    ['1234,56', 'EUR', 'de-DE', 123456],
    ["1'234.50", 'CHF', 'de-CH', 123450],
    ['1\u2019234.50 CHF', 'CHF', 'de-CH', 123450],
    ['CHF 1234.5', 'CHF', 'de-CH', 123450],
    ['¥1,250', 'JPY', 'en-US', 1250],
    ['￥1,250', 'JPY', 'ja-JP', 1250],
    ['1250円', 'JPY', 'ja-JP', 1250],
    ['１２５０', 'JPY', 'ja-JP', 1250],
    ['1.234', 'BHD', 'en-US', 1234],
    ['BHD 1.234', 'BHD', 'en-US', 1234],
    ['12,345.678', 'KWD', 'en-US', 12345678],
    ['12,34,567.89', 'INR', 'en-IN', 123456789],
    [`1${NNBSP}234,56${NBSP}€`, 'EUR', 'fr-FR', 123456],
    ['1 234,56 €', 'EUR', 'fr-FR', 123456],
    ['12.50 eur', 'EUR', 'en-US', 1250],
    ['  +12.50  ', 'EUR', 'en-US', 1250],
    ['0', 'EUR', 'en-US', 0],
    ['-0', 'EUR', 'en-US', 0],
  ])('%j %s %s → %d', (input, currency, locale, expected) => {
    expect(parse(input, currency, locale)).toBe(expected);
  });

  it.each([
    ['-12.50', 'EUR', 'en-US', -1250],
    ['−12.50', 'EUR', 'en-US', -1250],
    ['-€12.50', 'EUR', 'en-US', -1250],
    ['€ -12.50', 'EUR', 'en-US', -1250],
    ['(12.50)', 'EUR', 'en-US', -1250],
    ['(€12.50)', 'EUR', 'en-US', -1250],
    ['(12,50 €)', 'EUR', 'de-DE', -1250],
    ['-1.234,56 €', 'EUR', 'de-DE', -123456],
    ["CHF-1'234.50", 'CHF', 'de-CH', -123450],
    ['-¥1,250', 'JPY', 'en-US', -1250],
    ['(1.234)', 'BHD', 'en-US', -1234],
  ])('negative %j %s %s → %d', (input, currency, locale, expected) => {
    expect(parse(input, currency, locale)).toBe(expected);
  });

  it('accepts the full range and no more', () => {
    expect(parse('9,999,999,999,999.99', 'EUR')).toBe(MAX_AMOUNT);
    expect(parse('-999999999999999', 'JPY')).toBe(-MAX_AMOUNT);
    expect(codeOf(() => parseAmount('10,000,000,000,000.00', 'EUR'))).toBe('money.out_of_range');
    expect(codeOf(() => parseAmount('-1000000000000000', 'JPY'))).toBe('money.out_of_range');
    expect(codeOf(() => parseAmount('99999999999999999999999', 'JPY'))).toBe('money.out_of_range');
  });
});

describe('parseAmount: errors', () => {
  it.each([
    ['1.5', 'JPY', 'en-US'],
    ['1.234', 'EUR', 'en-US'],
    ['1,234', 'EUR', 'de-DE'],
    ['1.2345', 'BHD', 'en-US'],
    ['12.500', 'EUR', 'en-US'],
  ])('%j %s %s → money.too_many_decimals', (input, currency, locale) => {
    expect(codeOf(() => parseAmount(input, currency, locale))).toBe('money.too_many_decimals');
  });

  it.each([
    'abc',
    '',
    '   ',
    '1e5',
    '0x10',
    'Infinity',
    '-Infinity',
    'NaN',
    '1,2,3.4.5',
    '1,2,3',
    '12,34',
    '1,234.5,6',
    ',123',
    '12.',
    '.',
    '-',
    '--12',
    '-(12)',
    '(12',
    '12)',
    '$12.50',
    '€12 €',
    '12 50',
    '12.50-',
  ])('%j EUR en-US → money.invalid_amount', (input) => {
    expect(codeOf(() => parseAmount(input, 'EUR', 'en-US'))).toBe('money.invalid_amount');
  });

  it('reads text only with the locale separators', () => {
    // '.' groups thousands in de-DE, so '12.50' is malformed there rather than 1250 or 125000.
    expect(codeOf(() => parseAmount('12.50', 'EUR', 'de-DE'))).toBe('money.invalid_amount');
    expect(parse('1.234', 'EUR', 'de-DE')).toBe(123400);
    expect(parse('1,234', 'EUR', 'en-US')).toBe(123400);
  });

  it('rejects unknown and lower-case currency codes', () => {
    expect(codeOf(() => parseAmount('12', 'XXX'))).toBe('money.unknown_currency');
    expect(codeOf(() => parseAmount('12', 'eur'))).toBe('money.unknown_currency');
    expect(codeOf(() => formatAmount(12, 'eur'))).toBe('money.unknown_currency');
    expect(codeOf(() => fromDecimalString('12', 'XXX'))).toBe('money.unknown_currency');
  });

  it('rejects malformed locales with their own code', () => {
    expect(codeOf(() => parseAmount('12', 'EUR', 'en_US'))).toBe('money.invalid_locale');
  });

  it('explains what was wrong and what is expected', () => {
    try {
      parseAmount('12.50', 'EUR', 'de-DE');
      expect.unreachable();
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain('"12.50"');
      expect(message).toContain('de-DE');
      expect(message).toContain(`1.234,56${NBSP}€`);
      expect(message).toContain('decimal separator ","');
    }
    expect(() => parseAmount('1.5', 'JPY')).toThrow(/JPY amounts have no decimal places/);
    expect(() => parseAmount('1.234', 'EUR')).toThrow(/3 decimal places, but EUR allows at most 2/);
  });
});

describe('formatAmount', () => {
  it.each([
    [1250, 'EUR', 'en-US', '€12.50'],
    [-1250, 'EUR', 'en-US', '-€12.50'],
    [123456, 'EUR', 'de-DE', `1.234,56${NBSP}€`],
    [-123456, 'EUR', 'de-DE', `-1.234,56${NBSP}€`],
    [123450, 'CHF', 'de-CH', `CHF${NBSP}1'234.50`],
    [-123450, 'CHF', 'de-CH', "CHF-1'234.50"],
    [1250, 'JPY', 'en-US', '¥1,250'],
    [1250, 'JPY', 'ja-JP', '￥1,250'],
    [1234, 'BHD', 'en-US', `BHD${NBSP}1.234`],
    [-5, 'BHD', 'en-US', `-BHD${NBSP}0.005`],
    [12345678, 'KWD', 'en-US', `KWD${NBSP}12,345.678`],
    [123456, 'EUR', 'fr-FR', `1${NNBSP}234,56${NBSP}€`],
    [123456789, 'INR', 'en-IN', '₹12,34,567.89'],
    // CLDR shows IQD without decimals; ISO 4217 (and this ledger) has three.
    [1250, 'IQD', 'en-US', `IQD${NBSP}1.250`],
    [0, 'EUR', 'en-US', '€0.00'],
    [MAX_AMOUNT, 'EUR', 'en-US', '€9,999,999,999,999.99'],
  ])('%d %s %s → %j', (amount, currency, locale, expected) => {
    expect(formatAmount(amount, currency, locale)).toBe(expected);
  });

  it('shows the code or nothing on request', () => {
    expect(formatAmount(1250, 'EUR', 'en-US', { display: 'code' })).toBe(`EUR${NBSP}12.50`);
    expect(formatAmount(1250, 'EUR', 'en-US', { display: 'none' })).toBe('12.50');
    expect(formatAmount(-123456, 'EUR', 'de-DE', { display: 'none' })).toBe('-1.234,56');
  });

  it('rejects amounts that are not safe integers in range', () => {
    expect(codeOf(() => formatAmount(12.5, 'EUR'))).toBe('money.invalid_amount');
    expect(codeOf(() => formatAmount(Number.NaN, 'EUR'))).toBe('money.invalid_amount');
    expect(codeOf(() => formatAmount(Number.POSITIVE_INFINITY, 'EUR'))).toBe('money.invalid_amount');
    expect(codeOf(() => formatAmount(MAX_AMOUNT + 1, 'EUR'))).toBe('money.out_of_range');
    expect(codeOf(() => formatAmount(-MAX_AMOUNT - 1, 'EUR'))).toBe('money.out_of_range');
    expect(codeOf(() => formatAmount(1e20, 'EUR'))).toBe('money.out_of_range');
  });
});

describe('decimal strings', () => {
  it.each([
    [1250, 'EUR', '12.50'],
    [1250, 'JPY', '1250'],
    [1, 'BHD', '0.001'],
    [-1, 'EUR', '-0.01'],
    [-5, 'BHD', '-0.005'],
    [0, 'EUR', '0.00'],
    [-0, 'EUR', '0.00'],
    [12345, 'CLF', '1.2345'],
    [MAX_AMOUNT, 'EUR', '9999999999999.99'],
  ])('%d %s ↔ %j', (amount, currency, text) => {
    expect(toDecimalString(amount, currency)).toBe(text);
    expect(fromDecimalString(text, currency)).toBe(amount === 0 ? 0 : amount);
  });

  it('reads fewer decimals than the exponent and refuses more', () => {
    expect(fromDecimalString('12.5', 'EUR')).toBe(1250);
    expect(fromDecimalString('12', 'EUR')).toBe(1200);
    expect(codeOf(() => fromDecimalString('12.505', 'EUR'))).toBe('money.too_many_decimals');
    expect(codeOf(() => fromDecimalString('1.0', 'JPY'))).toBe('money.too_many_decimals');
  });

  it.each(['', '1,234.50', '+1', '1.', '.5', ' 1', '1e3', '12.5.0', '١٢'])('rejects %j', (text) => {
    expect(codeOf(() => fromDecimalString(text, 'EUR'))).toBe('money.invalid_amount');
  });

  it('refuses magnitudes above MAX_AMOUNT', () => {
    expect(codeOf(() => fromDecimalString('10000000000000.00', 'EUR'))).toBe('money.out_of_range');
  });
});

describe('money arithmetic', () => {
  const eur = (amount: number): Money => ({ amount, currency: 'EUR' });
  const usd = (amount: number): Money => ({ amount, currency: 'USD' });

  it('validates money with a strict schema', () => {
    expect(MoneySchema.safeParse(eur(1250)).success).toBe(true);
    expect(MoneySchema.safeParse({ amount: 12.5, currency: 'EUR' }).success).toBe(false);
    expect(MoneySchema.safeParse({ amount: 1, currency: 'eur' }).success).toBe(false);
    expect(MoneySchema.safeParse({ amount: MAX_AMOUNT + 1, currency: 'EUR' }).success).toBe(false);
    expect(MoneySchema.safeParse({ ...eur(1), note: 'x' }).success).toBe(false);
  });

  it('sums amounts exactly and bounds only the total', () => {
    expect(sumAmounts([])).toBe(0);
    expect(sumAmounts([1250, -250, 1])).toBe(1001);
    expect(sumAmounts([MAX_AMOUNT, 1, -1])).toBe(MAX_AMOUNT);
    expect(codeOf(() => sumAmounts([MAX_AMOUNT, 1]))).toBe('money.out_of_range');
    expect(codeOf(() => sumAmounts([1.5]))).toBe('money.invalid_amount');
  });

  it('sums money of one currency and names the currencies when they differ', () => {
    expect(sumMoney([eur(100), eur(250)])).toEqual(eur(350));
    expect(sumMoney([], 'JPY')).toEqual({ amount: 0, currency: 'JPY' });
    expect(codeOf(() => sumMoney([]))).toBe('money.empty_sum_currency');
    expect(codeOf(() => sumMoney([eur(1)], 'USD'))).toBe('money.mixed_currencies');
    expect(() => sumMoney([eur(1), usd(2), eur(3)])).toThrow(/EUR, USD/);
    expect(codeOf(() => sumMoney([], 'eur'))).toBe('money.unknown_currency');
  });

  it('adds, subtracts, negates and compares within one currency', () => {
    expect(addMoney(eur(100), eur(-250))).toEqual(eur(-150));
    expect(subtractMoney(eur(100), eur(250))).toEqual(eur(-150));
    expect(negateMoney(eur(100))).toEqual(eur(-100));
    expect(Object.is(negateMoney(eur(0)).amount, 0)).toBe(true);
    expect(compareMoney(eur(1), eur(2))).toBe(-1);
    expect(compareMoney(eur(2), eur(2))).toBe(0);
    expect(compareMoney(eur(3), eur(2))).toBe(1);
    expect(codeOf(() => addMoney(eur(1), usd(1)))).toBe('money.mixed_currencies');
    expect(codeOf(() => subtractMoney(eur(1), usd(1)))).toBe('money.mixed_currencies');
    expect(codeOf(() => compareMoney(eur(1), usd(1)))).toBe('money.mixed_currencies');
    expect(codeOf(() => addMoney(eur(MAX_AMOUNT), eur(1)))).toBe('money.out_of_range');
    expect(codeOf(() => subtractMoney(eur(-MAX_AMOUNT), eur(1)))).toBe('money.out_of_range');
  });

  it('allocates with the largest remainder, deterministically', () => {
    expect(allocate(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(allocate(-100, [1, 1, 1])).toEqual([-34, -33, -33]);
    expect(allocate(5, [0, 1, 0])).toEqual([0, 5, 0]);
    expect(allocate(1000, [3, 7])).toEqual([300, 700]);
    expect(allocate(1, [1, 1])).toEqual([1, 0]);
    expect(allocate(0, [1, 2])).toEqual([0, 0]);
    expect(codeOf(() => allocate(100, []))).toBe('money.invalid_ratios');
    expect(codeOf(() => allocate(100, [0, 0]))).toBe('money.invalid_ratios');
    expect(codeOf(() => allocate(100, [1, -1]))).toBe('money.invalid_ratios');
    expect(codeOf(() => allocate(100, [0.5, 0.5]))).toBe('money.invalid_ratios');
    expect(codeOf(() => allocate(1.5, [1]))).toBe('money.invalid_amount');
  });

  it('computes a floored integer percentage', () => {
    expect(percentOf(50, 200)).toBe(25);
    expect(percentOf(1, 3)).toBe(33);
    expect(percentOf(2, 3)).toBe(66);
    expect(percentOf(300, 200)).toBe(150);
    expect(percentOf(-1, 3)).toBe(-34);
    expect(percentOf(5, 0)).toBe(0);
    expect(percentOf(MAX_AMOUNT, MAX_AMOUNT)).toBe(100);
    expect(percentOf(MAX_AMOUNT - 1, MAX_AMOUNT)).toBe(99);
    expect(codeOf(() => percentOf(MAX_AMOUNT, 1))).toBe('money.out_of_range');
  });
});

describe('properties', () => {
  const LOCALES = ['en-US', 'de-DE', 'fr-FR', 'ja-JP', 'en-IN', 'de-CH'] as const;
  // Exponents 0, 2, 2, 3, 3 and 4.
  const CURRENCIES = ['JPY', 'EUR', 'USD', 'BHD', 'KWD', 'CLF'] as const;
  const amount = fc.oneof(
    fc.integer({ min: -MAX_AMOUNT, max: MAX_AMOUNT }),
    fc.integer({ min: -100_000, max: 100_000 }),
    fc.constantFrom(0, 1, -1, MAX_AMOUNT, -MAX_AMOUNT),
  );
  const locale = fc.constantFrom(...LOCALES);
  const currency = fc.constantFrom(...CURRENCIES);
  const display = fc.constantFrom('symbol' as const, 'code' as const, 'none' as const);

  it('covers exponents 0, 2, 3 and 4', () => {
    expect(new Set(CURRENCIES.map(currencyExponent))).toEqual(new Set([0, 2, 3, 4]));
  });

  it('parse(format(a)) === a in every locale, currency and display', () => {
    fc.assert(
      fc.property(amount, currency, locale, display, (a, c, l, d) => {
        expect(parse(formatAmount(a, c, l, { display: d }), c, l)).toBe(a);
      }),
      { numRuns: 2000 },
    );
  });

  it('parse(format(a)) === a for every known currency', () => {
    fc.assert(
      fc.property(amount, fc.constantFrom(...CURRENCY_CODES), locale, (a, c, l) => {
        expect(parse(formatAmount(a, c, l), c, l)).toBe(a);
      }),
      { numRuns: 500 },
    );
  });

  it('fromDecimalString(toDecimalString(a)) === a', () => {
    fc.assert(
      fc.property(amount, currency, (a, c) => {
        const text = toDecimalString(a, c);
        expect(text).toMatch(/^-?\d+(\.\d+)?$/);
        expect(fromDecimalString(text, c)).toBe(a);
      }),
      { numRuns: 1000 },
    );
  });

  it('sumAmounts equals the BigInt sum, or throws out_of_range when that leaves the range', () => {
    const list = fc.oneof(fc.array(amount, { maxLength: 12 }), fc.array(fc.integer(), { maxLength: 12 }));
    fc.assert(
      fc.property(list, (amounts) => {
        const exact = amounts.reduce((s, a) => s + BigInt(a), 0n);
        if (exact > BigInt(MAX_AMOUNT) || exact < -BigInt(MAX_AMOUNT)) {
          expect(codeOf(() => sumAmounts(amounts))).toBe('money.out_of_range');
        } else {
          expect(sumAmounts(amounts)).toBe(Number(exact));
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('sumAmounts does not depend on order', () => {
    const permuted = fc
      .array(amount, { maxLength: 12 })
      .chain((xs) =>
        fc.tuple(fc.constant(xs), fc.shuffledSubarray(xs, { minLength: xs.length, maxLength: xs.length })),
      );
    const outcome = (xs: number[]) => {
      const code = codeOf(() => sumAmounts(xs));
      return code ?? sumAmounts(xs);
    };
    fc.assert(
      fc.property(permuted, ([xs, ys]) => {
        expect(outcome(ys)).toBe(outcome(xs));
      }),
      { numRuns: 1000 },
    );
  });

  it('allocate sums to the amount and each part is within 1 of its exact share', () => {
    const ratios = fc
      .oneof(
        fc.array(fc.integer({ min: 0, max: 10 }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), { minLength: 1, maxLength: 8 }),
      )
      .filter((rs) => rs.some((r) => r > 0));
    fc.assert(
      fc.property(amount, ratios, (a, rs) => {
        const parts = allocate(a, rs);
        expect(parts).toHaveLength(rs.length);
        expect(parts.every(Number.isSafeInteger)).toBe(true);
        expect(parts.reduce((s, p) => s + BigInt(p), 0n)).toBe(BigInt(a));
        const total = rs.reduce((s, r) => s + BigInt(r), 0n);
        parts.forEach((p, i) => {
          // |part - a·r/total| < 1, multiplied through by total to stay in integers.
          const diff = BigInt(p) * total - BigInt(a) * BigInt(rs[i] ?? 0);
          expect(diff < total && -diff < total).toBe(true);
        });
      }),
      { numRuns: 1000 },
    );
  });

  it('sums of mixed currencies always throw', () => {
    const money = fc.record({ amount: fc.integer({ min: -1000, max: 1000 }), currency });
    const mixed = fc
      .array(money, { minLength: 2, maxLength: 8 })
      .filter((ms) => new Set(ms.map((m) => m.currency)).size > 1);
    fc.assert(
      fc.property(mixed, (items) => {
        expect(codeOf(() => sumMoney(items))).toBe('money.mixed_currencies');
        expect(codeOf(() => sumMoney(items, items[0]?.currency))).toBe('money.mixed_currencies');
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(money, money, (a, b) => {
        fc.pre(a.currency !== b.currency);
        expect(codeOf(() => addMoney(a, b))).toBe('money.mixed_currencies');
      }),
      { numRuns: 200 },
    );
  });
});

describe('no float in the path', () => {
  const source = readFileSync(new URL('../src/money/money.ts', import.meta.url), 'utf8');

  it.each([
    ['parseFloat', /parseFloat/],
    ['toFixed', /toFixed/],
    ['toPrecision', /toPrecision/],
    ['Math.round', /Math\.round/],
    ['parseInt without a radix', /parseInt\([^,()]*\)/],
  ])('money.ts does not use %s', (_name, pattern) => {
    expect(source).not.toMatch(pattern);
  });
});
