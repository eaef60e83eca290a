import {
  buildOp,
  type FieldValue,
  HybridClock,
  newDeviceId,
  type Op,
  type RowState,
  uuidv7,
} from '@kakeibo/core';

/**
 * Realistic expense traffic from one device: creates of complete expense rows and edits of rows it
 * wrote earlier (amount, note, category, the odd delete), each built the way the client builds ops
 * (buildOp with the device's HLC and the stamps it replaces), so the server sees valid, conflict-free
 * ops. Values come from a seeded generator, so every run writes the same kind of data.
 */

/** mulberry32: small, fast and good enough to pick benchmark values. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PAYEES = [
  'Bakery Müller',
  'Supermarket',
  'Corner café',
  'Pharmacy',
  'Rail ticket office',
  'Bookshop',
  'Hardware store',
  'Farmers market',
  'Cinema',
  'Petrol station',
  'Electricity company',
  'Mobile operator',
  'Ramen-ya',
  'Bike repair',
  'Online shop',
  'Dentist',
  'Gym',
  'Florist',
  'Post office',
  'Streaming service',
];
const NOTES = [
  '',
  '',
  '',
  '',
  'weekly groceries',
  'birthday present for Aiko',
  'split with Tom',
  'reimbursable',
  '2 × coffee',
];
const TAGS = ['food', 'work', 'family', 'travel', 'health', 'gift', 'home', 'fun'];
const PAYMENT_METHODS = ['cash', 'card', 'card', 'card', 'bank_transfer', 'direct_debit', 'mobile'];
const DAY_MS = 86_400_000;
const FIRST_DAY = Date.UTC(2024, 0, 1);

export type ExpenseFields = Record<string, FieldValue>;

export class ExpenseWriter {
  readonly clock: HybridClock;
  readonly deviceId: string;
  private readonly random: () => number;
  private readonly categories: string[];
  /** What this device knows of the rows it wrote (for the `prev` stamps of its edits). */
  private readonly rows = new Map<string, RowState>();
  private readonly editable: string[] = [];

  constructor(options: { deviceId?: string; seed?: number } = {}) {
    this.deviceId = options.deviceId ?? newDeviceId();
    this.clock = new HybridClock(this.deviceId);
    this.random = seededRandom(options.seed ?? 1);
    this.categories = Array.from({ length: 12 }, () => uuidv7());
  }

  private pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.random() * list.length)] as T;
  }

  /** The fields of a new, complete expense. */
  expenseFields(): ExpenseFields {
    const day = new Date(FIRST_DAY + Math.floor(this.random() * 730) * DAY_MS);
    const date = day.toISOString().slice(0, 10);
    const createdAt = new Date(day.getTime() + Math.floor(this.random() * DAY_MS)).toISOString();
    const tagCount = this.random() < 0.6 ? 0 : this.random() < 0.7 ? 1 : 2;
    const tags = new Set<string>();
    while (tags.size < tagCount) tags.add(this.pick(TAGS));
    return {
      amount: 100 + Math.round(this.random() ** 2 * 25_000),
      currency: this.random() < 0.9 ? 'EUR' : 'USD',
      date,
      categoryId: this.random() < 0.1 ? null : this.pick(this.categories),
      payee: this.pick(PAYEES),
      note: this.pick(NOTES),
      paymentMethod: this.pick(PAYMENT_METHODS),
      tags: [...tags],
      receiptId: null,
      inventoryItemId: null,
      createdAt,
      deleted: false,
    };
  }

  private write(rowId: string, fields: ExpenseFields): Op {
    const current = this.rows.get(rowId);
    const op = buildOp(this.clock, 'expenses', rowId, fields, current);
    const next: RowState = { ...current };
    for (const [field, value] of Object.entries(fields)) next[field] = { value, stamp: op.stamp };
    this.rows.set(rowId, next);
    return op;
  }

  create(): Op {
    const rowId = uuidv7();
    this.editable.push(rowId);
    return this.write(rowId, this.expenseFields());
  }

  /** An edit of one of this device's live rows: mostly amounts, some notes and categories, a few deletes. */
  edit(): Op {
    if (this.editable.length === 0) return this.create();
    const index = Math.floor(this.random() * this.editable.length);
    const rowId = this.editable[index] as string;
    const kind = this.random();
    if (kind < 0.6) return this.write(rowId, { amount: 100 + Math.round(this.random() * 20_000) });
    if (kind < 0.8)
      return this.write(rowId, { note: this.pick(NOTES.filter(Boolean)), tags: [this.pick(TAGS)] });
    if (kind < 0.95)
      return this.write(rowId, { categoryId: this.pick(this.categories), payee: this.pick(PAYEES) });
    // A delete: the row leaves the editable set (swap-remove keeps this O(1)).
    this.editable[index] = this.editable[this.editable.length - 1] as string;
    this.editable.pop();
    return this.write(rowId, { deleted: true });
  }

  /** `size` ops, about `editShare` of them edits of earlier rows, the rest creates. */
  batch(size: number, editShare: number): Op[] {
    const ops: Op[] = [];
    for (let i = 0; i < size; i++) ops.push(this.random() < editShare ? this.edit() : this.create());
    return ops;
  }
}

/** `count` batches of `size` ops (see ExpenseWriter.batch). */
export function opBatches(writer: ExpenseWriter, count: number, size: number, editShare: number): Op[][] {
  return Array.from({ length: count }, () => writer.batch(size, editShare));
}
