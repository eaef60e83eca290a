import { z } from 'zod';
import {
  CalendarDateSchema,
  CurrencyCodeSchema,
  PositiveMinorUnitsSchema,
  RefIdSchema,
} from './primitives.js';
import { BaseRowSchema, patchOf } from './row.js';

export const BudgetFieldsSchema = z.strictObject({
  /** The category the budget limits; null means all spending. */
  categoryId: RefIdSchema.nullable(),
  period: z.enum(['weekly', 'monthly', 'yearly'], { error: 'must be weekly, monthly or yearly' }),
  limitAmount: PositiveMinorUnitsSchema,
  currency: CurrencyCodeSchema,
  /** The first day of the first period; later periods follow on from it. */
  startDate: CalendarDateSchema,
  /** Whether what is left of one period's limit carries over to the next. */
  rollover: z.boolean(),
  /** Warn when spending reaches this share of the limit. */
  alertThresholdPercent: z
    .int({ error: 'must be a whole percentage' })
    .min(1, { error: 'must be at least 1' })
    .max(100, { error: 'must be at most 100' }),
});

const shape = BudgetFieldsSchema.shape;

export const BudgetCreateSchema = BudgetFieldsSchema.extend({
  categoryId: shape.categoryId.default(null),
  rollover: shape.rollover.default(false),
  alertThresholdPercent: shape.alertThresholdPercent.default(80),
});

export const BudgetPatchSchema = patchOf(BudgetFieldsSchema);

export const BudgetSchema = BaseRowSchema.extend(BudgetFieldsSchema.shape);

export type BudgetFields = z.infer<typeof BudgetFieldsSchema>;
export type BudgetCreate = z.input<typeof BudgetCreateSchema>;
export type BudgetPatch = z.infer<typeof BudgetPatchSchema>;
export type Budget = z.infer<typeof BudgetSchema>;

/** A budget holds no free text. */
export const BUDGET_SENSITIVE_FIELDS: readonly (keyof BudgetFields)[] = Object.freeze([]);
