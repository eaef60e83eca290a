import type { z } from 'zod';
import {
  AccountFieldsSchema,
  BASE_SYNCED_FIELDS,
  BudgetFieldsSchema,
  CategoryFieldsSchema,
  ExchangeRateFieldsSchema,
  ExpenseFieldsSchema,
  IncomeFieldsSchema,
  InventoryItemFieldsSchema,
  ProfileFieldsSchema,
  ReceiptFieldsSchema,
  RecurringFieldsSchema,
  TransferFieldsSchema,
} from '../schemas/index.js';

/**
 * Every synced table, by the name ops and the wire use. Adding a table here is what makes it sync:
 * op validation, merge, checksums, snapshots and storage all iterate this registry.
 */
const FIELDS = {
  categories: CategoryFieldsSchema,
  expenses: ExpenseFieldsSchema,
  income: IncomeFieldsSchema,
  budgets: BudgetFieldsSchema,
  inventory: InventoryItemFieldsSchema,
  receipts: ReceiptFieldsSchema,
  profile: ProfileFieldsSchema,
  accounts: AccountFieldsSchema,
  transfers: TransferFieldsSchema,
  recurring: RecurringFieldsSchema,
  rates: ExchangeRateFieldsSchema,
} as const;

export type TableName = keyof typeof FIELDS;
export const TABLE_NAMES = Object.keys(FIELDS) as TableName[];
export const isTableName = (name: string): name is TableName => Object.hasOwn(FIELDS, name);

type FieldSchemas = Readonly<Record<string, z.ZodType>>;

const fieldSchemaCache = new Map<TableName, FieldSchemas>();

/** The schema of every field an op may write to `table`: its data fields plus createdAt and deleted. */
export function syncedFieldSchemas(table: TableName): FieldSchemas {
  let schemas = fieldSchemaCache.get(table);
  if (!schemas) {
    schemas = Object.freeze({ ...BASE_SYNCED_FIELDS, ...FIELDS[table].shape }) as FieldSchemas;
    fieldSchemaCache.set(table, schemas);
  }
  return schemas;
}

export const dataFieldsSchema = <T extends TableName>(table: T): (typeof FIELDS)[T] => FIELDS[table];
