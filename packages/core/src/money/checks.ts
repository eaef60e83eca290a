import { KakeiboError } from '../errors.js';
import { MAX_AMOUNT } from '../schemas/primitives.js';
import { currencyExponent, isCurrencyCode } from './currencies.js';
import type { Money } from './money.js';

/** The largest amount as a BigInt, for range checks before any conversion to number. */
export const MAX_BIG = BigInt(MAX_AMOUNT);

/*
 * Validation shared by every money entry point (decimal strings, parsing, formatting, arithmetic): the
 * same code for the same mistake wherever it is made. Internal to money/: not exported from core.
 */

export function exponentOf(currency: string): number {
  if (typeof currency !== 'string' || !isCurrencyCode(currency)) {
    throw new KakeiboError(
      'money.unknown_currency',
      `Unknown currency ${JSON.stringify(currency)}: expected an upper-case ISO 4217 code that has a minor unit, such as EUR, JPY or BHD.`,
      { currency },
    );
  }
  return currencyExponent(currency);
}

export function outOfRange(value: bigint | number, what: string): KakeiboError {
  return new KakeiboError(
    'money.out_of_range',
    `${what} (${value} minor units) is outside the supported range of -${MAX_AMOUNT} to ${MAX_AMOUNT} minor units.`,
    { value: String(value), max: MAX_AMOUNT },
  );
}

/** Accepts only integers in ±MAX_AMOUNT: a fraction here means a caller already did float math. */
export function checkAmount(amount: number, what = 'Amount'): number {
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
export function toAmount(value: bigint, what: string): number {
  if (value > MAX_BIG || value < -MAX_BIG) throw outOfRange(value, what);
  return Number(value);
}

export function checkMoney(money: Money, what: string): Money {
  if (typeof money !== 'object' || money === null) {
    throw new KakeiboError('money.invalid_amount', `${what} must be an object { amount, currency }.`);
  }
  exponentOf(money.currency);
  checkAmount(money.amount, what);
  return money;
}

export function sameCurrency(items: readonly Money[], expected?: string): string | undefined {
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
