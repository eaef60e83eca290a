import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { convertAmount, parseRate } from '../src/money/index.js';
import { ExchangeRateCreateSchema } from '../src/schemas/index.js';

describe('converting an amount at an exchange rate', () => {
  it('is exact across minor units, rounding half to even once', () => {
    expect(convertAmount(1_000, 'EUR', 'JPY', '161.2345')).toBe(1_612); // 10.00 EUR = 1612.345 JPY
    expect(convertAmount(100, 'EUR', 'JPY', '161.5')).toBe(162); // 161.5 → 162 (even)
    expect(convertAmount(100, 'EUR', 'JPY', '162.5')).toBe(162); // 162.5 → 162 (even)
    expect(convertAmount(100, 'EUR', 'JPY', '162.51')).toBe(163);
    expect(convertAmount(1_612, 'JPY', 'EUR', '0.0062')).toBe(999); // 1612 × 0.0062 = 9.9944 EUR
    expect(convertAmount(1, 'BHD', 'USD', '2.659')).toBe(0); // 0.001 BHD = 0.002659 USD
    expect(convertAmount(-250, 'USD', 'EUR', '0.9')).toBe(-225);
    expect(convertAmount(-5, 'USD', 'EUR', '0.5')).toBe(-2); // -2.5 → -2 (even)
  });

  it('refuses a rate that is not a positive plain decimal', () => {
    for (const rate of ['0', '0.000', '-1', '1e3', '1,5', '', '1.1234567890123', 'abc']) {
      expect(() => parseRate(rate), rate).toThrow(expect.objectContaining({ code: 'money.invalid_rate' }));
    }
    expect(
      ExchangeRateCreateSchema.safeParse({
        currency: 'EUR',
        toCurrency: 'EUR',
        date: '2026-01-01',
        rate: '1',
      }).success,
    ).toBe(false);
  });

  it('matches exact rational arithmetic for any amount and rate', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }),
        fc.integer({ min: 1, max: 99_999_999 }),
        fc.integer({ min: 0, max: 6 }),
        (amount, digits, decimals) => {
          const text = String(digits).padStart(decimals + 1, '0');
          const rate = decimals ? `${text.slice(0, -decimals)}.${text.slice(-decimals)}` : text;
          // EUR (2 decimals) to JPY (0): amount × rate / 100, rounded half to even.
          const n = BigInt(amount) * BigInt(digits);
          const d = 100n * 10n ** BigInt(decimals);
          const floor = n >= 0n ? n / d : -((-n + d - 1n) / d);
          const rest = n - floor * d; // 0 ≤ rest < d
          const even = floor % 2n === 0n;
          const expected = 2n * rest < d ? floor : 2n * rest > d ? floor + 1n : even ? floor : floor + 1n;
          expect(convertAmount(amount, 'EUR', 'JPY', rate)).toBe(Number(expected));
        },
      ),
      { numRuns: 500 },
    );
  });
});
