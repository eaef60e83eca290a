import { z } from 'zod';
import { isCurrencyCode } from '../money/currencies.js';

/**
 * The largest amount, in minor units, that any field may hold: 15 digits keeps every sum of a realistic
 * ledger inside Number.MAX_SAFE_INTEGER (2^53 - 1, about 9.007e15), so integer arithmetic stays exact.
 */
export const MAX_AMOUNT = 999_999_999_999_999;

export const CurrencyCodeSchema = z
  .string()
  .refine(isCurrencyCode, { message: 'must be an ISO 4217 currency code with a minor unit, such as EUR' });

/** An amount in integer minor units (cents, yen, fils); never a float. */
export const MinorUnitsSchema = z
  .number({ error: 'must be an integer number of minor units' })
  .int({ error: 'must be an integer number of minor units (no fractions)' })
  .min(-MAX_AMOUNT, { error: `must be at least ${-MAX_AMOUNT}` })
  .max(MAX_AMOUNT, { error: `must be at most ${MAX_AMOUNT}` });

export const PositiveMinorUnitsSchema = MinorUnitsSchema.refine((n) => n > 0, {
  message: 'must be greater than zero',
});
export const NonNegativeMinorUnitsSchema = MinorUnitsSchema.refine((n) => n >= 0, {
  message: 'must not be negative',
});

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True when `value` is a real calendar date YYYY-MM-DD between 1900 and 2199 (so 2026-02-29 is not). */
export function isCalendarDate(value: string): boolean {
  const m = DATE_RE.exec(value);
  if (!m) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (year < 1900 || year > 2199 || month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] as number;
  return day <= days;
}

/** A calendar date with no time zone: what a person means by "the 2nd of November". */
export const CalendarDateSchema = z
  .string()
  .refine(isCalendarDate, { message: 'must be a real calendar date YYYY-MM-DD (1900-2199)' })
  // A refinement has no JSON Schema form: the OpenAPI document says what it checks this way.
  .meta({ format: 'date', pattern: DATE_RE.source });

/** A UTC instant with millisecond precision, as JavaScript's toISOString() writes it. */
export const TimestampSchema = z.iso.datetime({
  offset: false,
  precision: 3,
  error: 'must be a UTC ISO 8601 timestamp',
});

/** A surrogate half without its other half: not a character, so no encoding can store it as sent. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * True for text every storage can keep exactly as it came: no U+0000 (PostgreSQL's text cannot hold
 * it) and no lone surrogate (UTF-8 would silently turn it into U+FFFD). Every string that can reach
 * storage is checked with it.
 */
export const isStorableText = (s: string): boolean => !s.includes('\u0000') && !hasLoneSurrogate(s);

export const hasLoneSurrogate = (s: string): boolean => LONE_SURROGATE.test(s);

/** Free text: trimmed of nothing (people's notes are theirs), bounded, and free of control characters. */
export const text = (max: number) =>
  z
    .string()
    .max(max, { error: `must be at most ${max} characters` })
    // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
    .refine((s) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(s), {
      message: 'must not contain control characters',
    })
    // U+0000 is a control character above: what storage cannot keep besides is a lone surrogate.
    .refine((s) => !hasLoneSurrogate(s), { message: 'must be whole characters (no lone surrogate halves)' });

/** A name: at least one visible character. */
export const name = (max: number) =>
  text(max).refine((s) => s.trim().length > 0, { message: 'must not be empty' });

export const RefIdSchema = z.uuidv7({ error: 'must be a UUIDv7 row id' });
export const Sha256HexSchema = z.string().regex(/^[0-9a-f]{64}$/, 'must be a lowercase hex SHA-256 digest');
