import { z } from 'zod';
import {
  CalendarDateSchema,
  CurrencyCodeSchema,
  PositiveMinorUnitsSchema,
  RefIdSchema,
  text,
} from './primitives.js';
import { BaseRowSchema, patchOf } from './row.js';

export const IncomeFieldsSchema = z.strictObject({
  amount: PositiveMinorUnitsSchema,
  currency: CurrencyCodeSchema,
  date: CalendarDateSchema,
  categoryId: RefIdSchema.nullable(),
  source: text(200),
  note: text(2000),
  recurring:
    z.boolean() /** The account it was paid from (or into); null for entries kept apart from any account. */,
  accountId: RefIdSchema.nullable(),
});

const shape = IncomeFieldsSchema.shape;

export const IncomeCreateSchema = IncomeFieldsSchema.extend({
  accountId: shape.accountId.default(null),
  categoryId: shape.categoryId.default(null),
  source: shape.source.default(''),
  note: shape.note.default(''),
  recurring: shape.recurring.default(false),
});

export const IncomePatchSchema = patchOf(IncomeFieldsSchema);

export const IncomeSchema = BaseRowSchema.extend(IncomeFieldsSchema.shape).extend({
  // Rows written before accounts existed have none.
  accountId: shape.accountId.optional(),
});

export type IncomeFields = z.infer<typeof IncomeFieldsSchema>;
export type IncomeCreate = z.input<typeof IncomeCreateSchema>;
export type IncomePatch = z.infer<typeof IncomePatchSchema>;
export type Income = z.infer<typeof IncomeSchema>;

/** Who paid and why; encrypted at rest on the server. */
export const INCOME_SENSITIVE_FIELDS: readonly (keyof IncomeFields)[] = Object.freeze(['source', 'note']);
