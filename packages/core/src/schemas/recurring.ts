import { z } from 'zod';
import {
  CalendarDateSchema,
  CurrencyCodeSchema,
  PositiveMinorUnitsSchema,
  RefIdSchema,
  text,
} from './primitives.js';
import { BaseRowSchema, patchOf } from './row.js';

export const RECURRING_UNITS = ['day', 'week', 'month', 'year'] as const;
export type RecurringUnit = (typeof RECURRING_UNITS)[number];
const MAX_SKIPPED = 500;

/**
 * A recurring entry: the expense or income it writes (its template, stored field by field so that
 * each syncs and merges on its own) and when: every `every` `unit`s from `startDate`, on
 * `dayOfMonth` for monthly and yearly rules (clamped into shorter months), up to `endDate`.
 * `skipped` lists occurrence dates that are not to be written.
 */
export const RecurringFieldsSchema = z.strictObject({
  kind: z.enum(['expense', 'income'], { error: 'must be expense or income' }),
  amount: PositiveMinorUnitsSchema,
  currency: CurrencyCodeSchema,
  categoryId: RefIdSchema.nullable(),
  accountId: RefIdSchema.nullable(),
  /** The payee of an expense, the source of income. */
  party: text(200),
  note: text(2000),
  every: z
    .int({ error: 'must be a whole number' })
    .min(1, { error: 'must be at least 1' })
    .max(366, { error: 'must be at most 366' }),
  unit: z.enum(RECURRING_UNITS, { error: `must be one of: ${RECURRING_UNITS.join(', ')}` }),
  dayOfMonth: z
    .int({ error: 'must be a day of the month' })
    .min(1, { error: 'must be at least 1' })
    .max(31, { error: 'must be at most 31' })
    .nullable(),
  startDate: CalendarDateSchema,
  endDate: CalendarDateSchema.nullable(),
  skipped: z
    .array(CalendarDateSchema, { error: 'must be a list of dates' })
    .max(MAX_SKIPPED, { error: `must have at most ${MAX_SKIPPED} dates` }),
});

/** What an occurrence is written with: an entry's fields, its date aside. */
export const RecurringTemplateSchema = z.strictObject({
  amount: PositiveMinorUnitsSchema,
  currency: CurrencyCodeSchema,
  categoryId: RefIdSchema.nullable().default(null),
  accountId: RefIdSchema.nullable().default(null),
  payee: text(200).optional(),
  source: text(200).optional(),
  note: text(2000).default(''),
});

type RuleShape = Pick<RecurringFields, 'unit' | 'dayOfMonth' | 'startDate' | 'endDate'>;

/** What must hold across the fields of one rule, as it is once created or changed. */
export function recurringProblem(rule: RuleShape): { path: string; message: string } | null {
  if (rule.endDate !== null && rule.endDate < rule.startDate) {
    return { path: 'endDate', message: 'must not be before startDate' };
  }
  if (rule.dayOfMonth !== null && rule.unit !== 'month' && rule.unit !== 'year') {
    return { path: 'dayOfMonth', message: 'is only for monthly and yearly rules' };
  }
  return null;
}

/** The SDK's create input (`kb.recurring.create`), turned into the stored fields. */
export const RecurringCreateSchema = z
  .strictObject({
    kind: RecurringFieldsSchema.shape.kind,
    template: RecurringTemplateSchema,
    every: RecurringFieldsSchema.shape.every.default(1),
    unit: RecurringFieldsSchema.shape.unit,
    dayOfMonth: RecurringFieldsSchema.shape.dayOfMonth.default(null),
    startDate: CalendarDateSchema,
    endDate: CalendarDateSchema.nullable().default(null),
  })
  .superRefine((rule, ctx) => {
    const problem = recurringProblem(rule);
    if (problem) ctx.addIssue({ code: 'custom', path: [problem.path], message: problem.message });
  })
  .transform(
    ({ template, ...rule }): RecurringFields => ({
      kind: rule.kind,
      amount: template.amount,
      currency: template.currency,
      categoryId: template.categoryId,
      accountId: template.accountId,
      party: template.payee ?? template.source ?? '',
      note: template.note,
      every: rule.every,
      unit: rule.unit,
      dayOfMonth: rule.dayOfMonth,
      startDate: rule.startDate,
      endDate: rule.endDate,
      skipped: [],
    }),
  );

export const RecurringPatchSchema = patchOf(RecurringFieldsSchema);

export const RecurringSchema = BaseRowSchema.extend(RecurringFieldsSchema.shape);

export type RecurringFields = z.infer<typeof RecurringFieldsSchema>;
export type RecurringCreate = z.input<typeof RecurringCreateSchema>;
export type RecurringPatch = z.infer<typeof RecurringPatchSchema>;
export type Recurring = z.infer<typeof RecurringSchema>;

/** What the entries it writes say; encrypted at rest on the server. */
export const RECURRING_SENSITIVE_FIELDS: readonly (keyof RecurringFields)[] = Object.freeze([
  'party',
  'note',
]);
