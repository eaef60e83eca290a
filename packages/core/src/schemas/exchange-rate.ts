import { z } from 'zod';
import { RATE_PATTERN } from '../money/convert.js';
import { CalendarDateSchema, CurrencyCodeSchema } from './primitives.js';
import { BaseRowSchema, patchOf } from './row.js';

/**
 * An exchange rate the person entered: from `date` on (until a later one), one unit of `currency`
 * buys `rate` units of `toCurrency` (their home currency). Converted totals use the latest rate on
 * or before each entry's date.
 */
export const ExchangeRateFieldsSchema = z.strictObject({
  currency: CurrencyCodeSchema,
  toCurrency: CurrencyCodeSchema,
  date: CalendarDateSchema,
  rate: z
    .string()
    .regex(RATE_PATTERN, { error: 'must be a decimal number such as 161.2345 (at most 12 digits each side)' })
    .refine((rate) => /[1-9]/.test(rate), { message: 'must be greater than zero' }),
});

export const ExchangeRateCreateSchema = ExchangeRateFieldsSchema.refine((r) => r.currency !== r.toCurrency, {
  message: 'must be another currency than currency',
  path: ['toCurrency'],
});

export const ExchangeRatePatchSchema = patchOf(ExchangeRateFieldsSchema);

export const ExchangeRateSchema = BaseRowSchema.extend(ExchangeRateFieldsSchema.shape);

export type ExchangeRateFields = z.infer<typeof ExchangeRateFieldsSchema>;
export type ExchangeRateCreate = z.input<typeof ExchangeRateCreateSchema>;
export type ExchangeRate = z.infer<typeof ExchangeRateSchema>;
