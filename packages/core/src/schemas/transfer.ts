import { z } from 'zod';
import {
  CalendarDateSchema,
  CurrencyCodeSchema,
  PositiveMinorUnitsSchema,
  RefIdSchema,
  text,
} from './primitives.js';
import { BaseRowSchema, patchOf } from './row.js';

/**
 * Money moved between two of the person's own accounts: never spending, never income. `amount` in
 * `currency` leaves the first account; between accounts of two currencies `toAmount` in `toCurrency`
 * is what arrived in the second (both as the bank booked them, so both balances stay exact).
 */
export const TransferFieldsSchema = z.strictObject({
  fromAccountId: RefIdSchema,
  toAccountId: RefIdSchema,
  amount: PositiveMinorUnitsSchema,
  currency: CurrencyCodeSchema,
  toAmount: PositiveMinorUnitsSchema.nullable(),
  toCurrency: CurrencyCodeSchema.nullable(),
  date: CalendarDateSchema,
  note: text(2000),
});

type TransferShape = Pick<
  z.infer<typeof TransferFieldsSchema>,
  'fromAccountId' | 'toAccountId' | 'currency' | 'toAmount' | 'toCurrency'
>;

/** What must hold across the fields of one transfer, as it is once created or changed. */
export function transferProblem(t: TransferShape): { path: string; message: string } | null {
  if (t.fromAccountId === t.toAccountId) {
    return { path: 'toAccountId', message: 'must be another account than fromAccountId' };
  }
  if ((t.toAmount === null) !== (t.toCurrency === null)) {
    return { path: 'toAmount', message: 'give toAmount and toCurrency together, or neither' };
  }
  if (t.toCurrency !== null && t.toCurrency === t.currency) {
    return { path: 'toCurrency', message: 'is the same as currency: leave toAmount and toCurrency out' };
  }
  return null;
}

const shape = TransferFieldsSchema.shape;

export const TransferCreateSchema = TransferFieldsSchema.extend({
  toAmount: shape.toAmount.default(null),
  toCurrency: shape.toCurrency.default(null),
  note: shape.note.default(''),
}).superRefine((t, ctx) => {
  const problem = transferProblem(t);
  if (problem) ctx.addIssue({ code: 'custom', path: [problem.path], message: problem.message });
});

export const TransferPatchSchema = patchOf(TransferFieldsSchema);

export const TransferSchema = BaseRowSchema.extend(TransferFieldsSchema.shape);

export type TransferFields = z.infer<typeof TransferFieldsSchema>;
export type TransferCreate = z.input<typeof TransferCreateSchema>;
export type TransferPatch = z.infer<typeof TransferPatchSchema>;
export type Transfer = z.infer<typeof TransferSchema>;

/** Why the money moved; encrypted at rest on the server. */
export const TRANSFER_SENSITIVE_FIELDS: readonly (keyof TransferFields)[] = Object.freeze(['note']);
