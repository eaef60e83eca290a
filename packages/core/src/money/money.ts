import { z } from 'zod';
import { CurrencyCodeSchema, MinorUnitsSchema } from '../schemas/primitives.js';

/**
 * Money is an integer count of minor units plus an ISO 4217 code. Nothing in this module lets an amount
 * pass through a binary float: text is turned into digit strings and then BigInt, and formatting hands
 * Intl an exact decimal string, so 0.1 + 0.2 style drift cannot reach a ledger.
 */
export const MoneySchema = z.strictObject({ amount: MinorUnitsSchema, currency: CurrencyCodeSchema });
export type Money = z.infer<typeof MoneySchema>;
