import { z } from 'zod';
import {
  CalendarDateSchema,
  CurrencyCodeSchema,
  name,
  PositiveMinorUnitsSchema,
  RefIdSchema,
  text,
} from './primitives.js';
import { BaseRowSchema, patchOf } from './row.js';
import { SplitsInputSchema, StoredSplitsSchema } from './split.js';

const PAYMENT_METHODS = ['cash', 'card', 'bank_transfer', 'direct_debit', 'mobile', 'other'] as const;

const MAX_TAGS = 20;

export const ExpenseFieldsSchema = z.strictObject({
  amount: PositiveMinorUnitsSchema,
  currency: CurrencyCodeSchema,
  date: CalendarDateSchema,
  categoryId: RefIdSchema.nullable(),
  payee: text(200),
  note: text(2000),
  paymentMethod: z
    .enum(PAYMENT_METHODS, { error: `must be one of: ${PAYMENT_METHODS.join(', ')}` })
    .nullable(),
  tags: z
    .array(name(40), { error: 'must be a list of tags' })
    .max(MAX_TAGS, { error: `must have at most ${MAX_TAGS} tags` })
    .refine((tags) => new Set(tags).size === tags.length, { message: 'must not repeat a tag' }),
  receiptId: RefIdSchema.nullable(),
  inventoryItemId: RefIdSchema.nullable(),
  /** The account it was paid from; null for entries kept apart from any account. */
  accountId: RefIdSchema.nullable(),
  /** The amount shared among categories (split.ts); absent or empty when the entry is not split. */
  splits: StoredSplitsSchema.optional(),
});

const shape = ExpenseFieldsSchema.shape;

export const ExpenseCreateSchema = ExpenseFieldsSchema.extend({
  accountId: shape.accountId.default(null),
  categoryId: shape.categoryId.default(null),
  payee: shape.payee.default(''),
  note: shape.note.default(''),
  paymentMethod: shape.paymentMethod.default(null),
  tags: shape.tags.default(() => []),
  receiptId: shape.receiptId.default(null),
  inventoryItemId: shape.inventoryItemId.default(null),
  // Absent unless given: most entries are not split, and a bootstrap carries every field of every row.
  splits: SplitsInputSchema.optional(),
});

export const ExpensePatchSchema = patchOf(ExpenseFieldsSchema.extend({ splits: SplitsInputSchema }));

export const ExpenseSchema = BaseRowSchema.extend(ExpenseFieldsSchema.shape).extend({
  // Rows written before accounts existed have none.
  accountId: shape.accountId.optional(),
});

export type ExpenseFields = z.infer<typeof ExpenseFieldsSchema>;
export type ExpenseCreate = z.input<typeof ExpenseCreateSchema>;
export type ExpensePatch = z.infer<typeof ExpensePatchSchema>;
export type Expense = z.infer<typeof ExpenseSchema>;

/** Free text about what was bought and from whom; encrypted at rest on the server. */
export const EXPENSE_SENSITIVE_FIELDS: readonly (keyof ExpenseFields)[] = Object.freeze([
  'payee',
  'note',
  'tags',
  // A part's note is free text like the entry's.
  'splits',
]);
