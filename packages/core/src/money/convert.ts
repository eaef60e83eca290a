import { KakeiboError } from '../errors.js';
import { exponentOf, toAmount } from './checks.js';

/**
 * Converting an amount with an exchange rate, exactly. A rate is a plain decimal string: how many
 * units of the target currency one unit of the source currency buys ("161.2345": 1 EUR = 161.2345
 * JPY), at most 12 digits each side of the point. The result is rounded once, to the target's minor
 * unit, half to even (banker's rounding: 0.5 → 0, 1.5 → 2), so that rounding errors do not drift one
 * way over many conversions. BigInt throughout: no float ever touches an amount.
 */

export const RATE_PATTERN = /^(\d{1,12})(?:\.(\d{1,12}))?$/;

/** The rate as numerator and denominator, or `money.invalid_rate`. */
export function parseRate(rate: string): { num: bigint; den: bigint } {
  const match = typeof rate === 'string' ? RATE_PATTERN.exec(rate) : null;
  const num = match ? BigInt(`${match[1]}${match[2] ?? ''}`) : 0n;
  if (!match || num === 0n) {
    throw new KakeiboError(
      'money.invalid_rate',
      `${JSON.stringify(rate)} is not an exchange rate: write how much one unit buys, as digits with an optional '.', greater than zero (e.g. "161.2345").`,
      { rate: String(rate) },
    );
  }
  return { num, den: 10n ** BigInt(match[2]?.length ?? 0) };
}

/** Half to even division of integers (the denominator positive). */
function divideHalfEven(n: bigint, d: bigint): bigint {
  const q = n / d;
  const r = n % d;
  const twice = 2n * (r < 0n ? -r : r);
  if (twice < d) return q;
  const away = n < 0n ? q - 1n : q + 1n;
  if (twice > d) return away;
  return q % 2n === 0n ? q : away;
}

/** `amount` minor units of `from` in minor units of `to`, at `rate` (see above). */
export function convertAmount(amount: number, from: string, to: string, rate: string): number {
  const { num, den } = parseRate(rate);
  const scale = 10n ** BigInt(exponentOf(to));
  const unit = 10n ** BigInt(exponentOf(from));
  return toAmount(divideHalfEven(BigInt(amount) * num * scale, den * unit), `${amount} ${from} in ${to}`);
}
