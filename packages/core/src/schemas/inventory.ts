import { z } from 'zod';
import {
  CalendarDateSchema,
  CurrencyCodeSchema,
  NonNegativeMinorUnitsSchema,
  name,
  RefIdSchema,
  text,
} from './primitives.js';
import { BaseRowSchema, patchOf } from './row.js';

/** Something a household owns and wants to keep track of: where it is, what it cost, its warranty. */
export const InventoryItemFieldsSchema = z.strictObject({
  name: name(200),
  categoryId: RefIdSchema.nullable(),
  quantity: z
    .int({ error: 'must be a whole number' })
    .min(0, { error: 'must not be negative' })
    .max(1_000_000, { error: 'must be at most 1000000' }),
  purchaseDate: CalendarDateSchema.nullable(),
  purchasePrice: NonNegativeMinorUnitsSchema.nullable(),
  currentValue: NonNegativeMinorUnitsSchema.nullable(),
  /** The currency of both purchasePrice and currentValue. */
  currency: CurrencyCodeSchema.nullable(),
  location: text(200).nullable(),
  serialNumber: text(100).nullable(),
  warrantyEnd: CalendarDateSchema.nullable(),
  expenseId: RefIdSchema.nullable(),
  receiptId: RefIdSchema.nullable(),
  notes: text(4000),
});

const shape = InventoryItemFieldsSchema.shape;

export const InventoryItemCreateSchema = InventoryItemFieldsSchema.extend({
  categoryId: shape.categoryId.default(null),
  quantity: shape.quantity.default(1),
  purchaseDate: shape.purchaseDate.default(null),
  purchasePrice: shape.purchasePrice.default(null),
  currentValue: shape.currentValue.default(null),
  currency: shape.currency.default(null),
  location: shape.location.default(null),
  serialNumber: shape.serialNumber.default(null),
  warrantyEnd: shape.warrantyEnd.default(null),
  expenseId: shape.expenseId.default(null),
  receiptId: shape.receiptId.default(null),
  notes: shape.notes.default(''),
});

export const InventoryItemPatchSchema = patchOf(InventoryItemFieldsSchema);

export const InventoryItemSchema = BaseRowSchema.extend(InventoryItemFieldsSchema.shape);

export type InventoryItemFields = z.infer<typeof InventoryItemFieldsSchema>;
export type InventoryItemCreate = z.input<typeof InventoryItemCreateSchema>;
export type InventoryItemPatch = z.infer<typeof InventoryItemPatchSchema>;
export type InventoryItem = z.infer<typeof InventoryItemSchema>;

/** Where valuables are kept, how to identify them, and what the owner wrote; encrypted at rest. */
export const INVENTORY_ITEM_SENSITIVE_FIELDS: readonly (keyof InventoryItemFields)[] = Object.freeze([
  'location',
  'serialNumber',
  'notes',
]);
