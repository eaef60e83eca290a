import { buildOp, type FieldValue, HybridClock, type Op, type TableName, uuidv7 } from '@kakeibo/core';
import { seededRandom } from './workload.js';

/**
 * A realistic personal ledger, as the ops one device wrote over two years: 15 expense categories,
 * expenses spread over 2024-01-01…2025-12-30 in four currencies (mostly EUR), payees and notes that
 * fit their category, tags on some, then the later life of the data: a few percent of rows edited
 * (amount, or note and tags) and about 1 % deleted. Every op is built the way the client builds it
 * (buildOp with the device's HLC and the stamps it replaces), so the server sees valid, conflict-free
 * ops. Seeded: every run writes the same kind of data.
 */

interface CategorySpec {
  name: string;
  color: string;
  payees: readonly string[];
  /** Typical amount range in EUR cents (scaled for other currencies). */
  min: number;
  max: number;
  /** Relative frequency. */
  weight: number;
}

const CATEGORIES: readonly CategorySpec[] = [
  {
    name: 'Groceries',
    color: '#4caf50',
    payees: ['Supermarket', 'Farmers market', 'Bakery Müller', 'Organic shop', 'Butcher'],
    min: 300,
    max: 12_000,
    weight: 22,
  },
  {
    name: 'Eating out',
    color: '#ff9800',
    payees: ['Ramen-ya', 'Pizzeria Roma', 'Thai kitchen', 'Canteen', 'Burger bar'],
    min: 800,
    max: 9_000,
    weight: 12,
  },
  {
    name: 'Coffee',
    color: '#795548',
    payees: ['Corner café', 'Station kiosk', 'Espresso bar'],
    min: 180,
    max: 900,
    weight: 12,
  },
  {
    name: 'Transport',
    color: '#2196f3',
    payees: ['Rail ticket office', 'City transit', 'Taxi', 'Bike share'],
    min: 200,
    max: 8_000,
    weight: 9,
  },
  {
    name: 'Fuel',
    color: '#607d8b',
    payees: ['Petrol station', 'Motorway services'],
    min: 3_000,
    max: 9_000,
    weight: 4,
  },
  {
    name: 'Rent',
    color: '#9c27b0',
    payees: ['Landlord'],
    min: 85_000,
    max: 95_000,
    weight: 1,
  },
  {
    name: 'Utilities',
    color: '#00bcd4',
    payees: ['Electricity company', 'Water works', 'Gas supplier'],
    min: 2_000,
    max: 15_000,
    weight: 2,
  },
  {
    name: 'Phone & internet',
    color: '#3f51b5',
    payees: ['Mobile operator', 'Fibre provider'],
    min: 1_500,
    max: 6_000,
    weight: 2,
  },
  {
    name: 'Health',
    color: '#f44336',
    payees: ['Pharmacy', 'Dentist', 'Physio', 'Optician'],
    min: 500,
    max: 25_000,
    weight: 4,
  },
  {
    name: 'Clothing',
    color: '#e91e63',
    payees: ['Department store', 'Shoe shop', 'Online shop'],
    min: 1_500,
    max: 20_000,
    weight: 4,
  },
  {
    name: 'Entertainment',
    color: '#ffc107',
    payees: ['Cinema', 'Concert hall', 'Bookshop', 'Game store'],
    min: 800,
    max: 9_000,
    weight: 6,
  },
  {
    name: 'Travel',
    color: '#009688',
    payees: ['Airline', 'Hotel', 'Guesthouse', 'Car rental'],
    min: 5_000,
    max: 60_000,
    weight: 3,
  },
  {
    name: 'Gifts',
    color: '#ff5722',
    payees: ['Florist', 'Toy shop', 'Bookshop', 'Online shop'],
    min: 1_000,
    max: 10_000,
    weight: 3,
  },
  {
    name: 'Household',
    color: '#8bc34a',
    payees: ['Hardware store', 'Drugstore', 'Furniture store', 'Post office'],
    min: 300,
    max: 15_000,
    weight: 8,
  },
  {
    name: 'Subscriptions',
    color: '#673ab7',
    payees: ['Streaming service', 'Gym', 'Newspaper', 'Cloud storage'],
    min: 299,
    max: 4_999,
    weight: 3,
  },
];

const NOTES = [
  '',
  '',
  '',
  '',
  '',
  '',
  'weekly shop',
  'birthday present for Aiko',
  'split with Tom',
  'reimbursable — submit to work',
  '2 × coffee',
  'paid half, Mia owes me',
  'return if it does not fit',
  'monthly',
  'holiday',
  'receipt in the drawer',
];
const EDIT_NOTES = [
  'corrected from the receipt',
  'partly refunded',
  'shared with flatmates',
  'business trip',
];
const TAGS = ['food', 'work', 'family', 'travel', 'health', 'gift', 'home', 'fun', 'kids', 'car'];
const PAYMENT_METHODS = ['cash', 'card', 'card', 'card', 'card', 'bank_transfer', 'direct_debit', 'mobile'];

/** Currency, share of expenses, and how many of its minor units make about one EUR cent. */
const CURRENCIES: readonly { code: string; share: number; perCent: number }[] = [
  { code: 'EUR', share: 0.85, perCent: 1 },
  { code: 'USD', share: 0.07, perCent: 1.08 },
  { code: 'GBP', share: 0.05, perCent: 0.86 },
  { code: 'JPY', share: 0.03, perCent: 1.6 },
];

const DAY_MS = 86_400_000;
const FIRST_DAY = Date.UTC(2024, 0, 1);
/** 2024-01-01 … 2025-12-30. */
export const LEDGER_DAYS = 730;

export interface LedgerCategory {
  id: string;
  name: string;
}

/** Live (not deleted) expenses of one month, for checking reports. */
export interface MonthTotals {
  count: number;
}

export class LedgerWriter {
  readonly clock: HybridClock;
  readonly categories: LedgerCategory[];
  /** Expense ids in creation order, and the stamp that created each (for the `prev` of later edits). */
  private readonly created: { id: string; stamp: string; month: string }[] = [];
  private readonly deleted = new Set<string>();
  private readonly random: () => number;
  private readonly weightTotal: number;

  constructor(
    readonly deviceId: string,
    seed = 11,
  ) {
    this.clock = new HybridClock(deviceId);
    this.random = seededRandom(seed);
    this.categories = CATEGORIES.map((c) => ({ id: uuidv7(), name: c.name }));
    this.weightTotal = CATEGORIES.reduce((sum, c) => sum + c.weight, 0);
  }

  private pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.random() * list.length)] as T;
  }

  private op(table: TableName, rowId: string, fields: Record<string, FieldValue>, prevStamp?: string): Op {
    const current = prevStamp
      ? Object.fromEntries(Object.keys(fields).map((f) => [f, { value: null, stamp: prevStamp }]))
      : undefined;
    return buildOp(this.clock, table, rowId, fields, current);
  }

  /** One op per category, created a little before the first expense. */
  categoryOps(): Op[] {
    return CATEGORIES.map((spec, i) =>
      this.op('categories', (this.categories[i] as LedgerCategory).id, {
        name: spec.name,
        kind: 'expense',
        parentId: null,
        color: spec.color,
        icon: null,
        archived: false,
        createdAt: new Date(FIRST_DAY - DAY_MS).toISOString(),
        deleted: false,
      }),
    );
  }

  private expense(): Op {
    let roll = this.random() * this.weightTotal;
    let index = 0;
    while (index < CATEGORIES.length - 1 && roll >= (CATEGORIES[index] as CategorySpec).weight) {
      roll -= (CATEGORIES[index] as CategorySpec).weight;
      index += 1;
    }
    const spec = CATEGORIES[index] as CategorySpec;
    let currencyRoll = this.random();
    let currency = CURRENCIES[0] as (typeof CURRENCIES)[number];
    for (const c of CURRENCIES) {
      if (currencyRoll < c.share) {
        currency = c;
        break;
      }
      currencyRoll -= c.share;
    }
    const cents = spec.min + Math.round(this.random() ** 2 * (spec.max - spec.min));
    // JPY has no minor unit: its amounts are whole yen (≈ 1.6 yen per EUR cent).
    const amount = Math.max(1, Math.round(cents * currency.perCent));
    const day = new Date(FIRST_DAY + Math.floor(this.random() * LEDGER_DAYS) * DAY_MS);
    const date = day.toISOString().slice(0, 10);
    const tagCount = this.random() < 0.65 ? 0 : this.random() < 0.7 ? 1 : 2;
    const tags = new Set<string>();
    while (tags.size < tagCount) tags.add(this.pick(TAGS));
    const rowId = uuidv7();
    const op = this.op('expenses', rowId, {
      amount,
      currency: currency.code,
      date,
      // About 3 % are left uncategorised.
      categoryId: this.random() < 0.03 ? null : (this.categories[index] as LedgerCategory).id,
      payee: this.pick(spec.payees),
      note: this.pick(NOTES),
      paymentMethod: this.pick(PAYMENT_METHODS),
      tags: [...tags],
      receiptId: null,
      inventoryItemId: null,
      createdAt: new Date(
        day.getTime() + 8 * 3_600_000 + Math.floor(this.random() * 14 * 3_600_000),
      ).toISOString(),
      deleted: false,
    });
    this.created.push({ id: rowId, stamp: op.stamp, month: date.slice(0, 7) });
    return op;
  }

  /** `size` new expenses. */
  expenseBatch(size: number): Op[] {
    return Array.from({ length: size }, () => this.expense());
  }

  /**
   * Later edits of distinct earlier rows: `amountEdits` amount corrections, `noteEdits` note and
   * tag changes, `deletes` tombstones, in `size`-op batches.
   */
  *editBatches(
    counts: { amountEdits: number; noteEdits: number; deletes: number },
    size: number,
  ): Generator<Op[]> {
    const total = counts.amountEdits + counts.noteEdits + counts.deletes;
    // A partial Fisher–Yates shuffle picks `total` distinct rows.
    const order = this.created.map((_, i) => i);
    for (let i = 0; i < total; i++) {
      const j = i + Math.floor(this.random() * (order.length - i));
      [order[i], order[j]] = [order[j] as number, order[i] as number];
    }
    let batch: Op[] = [];
    for (let i = 0; i < total; i++) {
      const row = this.created[order[i] as number] as { id: string; stamp: string };
      let op: Op;
      if (i < counts.amountEdits) {
        op = this.op('expenses', row.id, { amount: 100 + Math.round(this.random() * 20_000) }, row.stamp);
      } else if (i < counts.amountEdits + counts.noteEdits) {
        op = this.op('expenses', row.id, { note: this.pick(EDIT_NOTES), tags: [this.pick(TAGS)] }, row.stamp);
      } else {
        op = this.op('expenses', row.id, { deleted: true }, row.stamp);
        this.deleted.add(row.id);
      }
      batch.push(op);
      if (batch.length === size) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length) yield batch;
  }

  /** Ids of the expenses not deleted. */
  liveExpenseIds(): string[] {
    return this.created.filter((r) => !this.deleted.has(r.id)).map((r) => r.id);
  }

  /** Live expenses per month ('YYYY-MM'). */
  monthTotals(): Map<string, MonthTotals> {
    const out = new Map<string, MonthTotals>();
    for (const r of this.created) {
      if (this.deleted.has(r.id)) continue;
      const totals = out.get(r.month);
      if (totals) totals.count += 1;
      else out.set(r.month, { count: 1 });
    }
    return out;
  }

  get expenseCount(): number {
    return this.created.length;
  }
}

/** First and last calendar day of a 'YYYY-MM' month. */
export function monthRange(month: string): { from: string; to: string } {
  const [year, mon] = month.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(year, mon, 0)).getUTCDate();
  return { from: `${month}-01`, to: `${month}-${String(last).padStart(2, '0')}` };
}
