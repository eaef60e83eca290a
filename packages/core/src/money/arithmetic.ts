import { KakeiboError } from '../errors.js';
import { checkAmount, checkMoney, exponentOf, sameCurrency, toAmount } from './checks.js';
import type { Money } from './money.js';

/* Arithmetic. BigInt keeps every intermediate exact; only results within ±MAX_AMOUNT come back as numbers. */

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
