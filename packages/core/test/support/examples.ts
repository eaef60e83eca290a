import type { FieldValue } from '../../src/sync/index.js';

/**
 * Complete rows of the common tables, as a device creates them: every field present. Tests override
 * what they are about, and name every value they assert on.
 */
export function exampleExpense(overrides: Record<string, FieldValue> = {}): Record<string, FieldValue> {
  return {
    createdAt: '2026-01-15T09:00:00.000Z',
    deleted: false,
    amount: 1200,
    currency: 'JPY',
    date: '2026-01-15',
    categoryId: null,
    payee: 'Bakery',
    note: '',
    paymentMethod: 'card',
    tags: [],
    receiptId: null,
    inventoryItemId: null,
    ...overrides,
  };
}

export function exampleIncome(overrides: Record<string, FieldValue> = {}): Record<string, FieldValue> {
  return {
    createdAt: '2026-01-15T09:00:00.000Z',
    deleted: false,
    amount: 300_000,
    currency: 'JPY',
    date: '2026-01-25',
    categoryId: null,
    source: 'Salary',
    note: '',
    recurring: false,
    ...overrides,
  };
}

export function exampleCategory(name: string): Record<string, FieldValue> {
  return {
    createdAt: '2026-01-15T09:00:00.000Z',
    deleted: false,
    name,
    kind: 'expense',
    parentId: null,
    color: null,
    icon: null,
    archived: false,
  };
}

export function exampleInventoryItem(overrides: Record<string, FieldValue> = {}): Record<string, FieldValue> {
  return {
    createdAt: '2026-01-15T09:00:00.000Z',
    deleted: false,
    name: 'Bicycle',
    categoryId: null,
    quantity: 1,
    purchaseDate: null,
    purchasePrice: null,
    currentValue: null,
    currency: null,
    location: null,
    serialNumber: null,
    warrantyEnd: null,
    expenseId: null,
    receiptId: null,
    notes: '',
    ...overrides,
  };
}
