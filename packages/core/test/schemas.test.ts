import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  ACCOUNT_SENSITIVE_FIELDS,
  AccountCreateSchema,
  AccountFieldsSchema,
  AccountPatchSchema,
  AccountSchema,
  BASE_SYNCED_FIELDS,
  BaseRowSchema,
  BUDGET_SENSITIVE_FIELDS,
  BudgetCreateSchema,
  BudgetFieldsSchema,
  BudgetPatchSchema,
  BudgetSchema,
  CATEGORY_SENSITIVE_FIELDS,
  CategoryCreateSchema,
  CategoryFieldsSchema,
  CategoryPatchSchema,
  CategorySchema,
  EXPENSE_SENSITIVE_FIELDS,
  ExpenseCreateSchema,
  ExpenseFieldsSchema,
  ExpensePatchSchema,
  ExpenseSchema,
  INCOME_SENSITIVE_FIELDS,
  INVENTORY_ITEM_SENSITIVE_FIELDS,
  IncomeCreateSchema,
  IncomeFieldsSchema,
  IncomePatchSchema,
  IncomeSchema,
  InventoryItemCreateSchema,
  InventoryItemFieldsSchema,
  InventoryItemPatchSchema,
  InventoryItemSchema,
  PROFILE_SENSITIVE_FIELDS,
  ProfileCreateSchema,
  ProfileFieldsSchema,
  ProfilePatchSchema,
  ProfileSchema,
  RECEIPT_SENSITIVE_FIELDS,
  ReceiptCreateSchema,
  ReceiptFieldsSchema,
  ReceiptPatchSchema,
  ReceiptSchema,
  TRANSFER_SENSITIVE_FIELDS,
  TransferCreateSchema,
  TransferFieldsSchema,
  TransferPatchSchema,
  TransferSchema,
} from '../src/schemas/index.js';
import { MAX_AMOUNT } from '../src/schemas/primitives.js';

const ROW_ID = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
const REF = '0190a1b2-c3d4-7e5f-9a9b-0c1d2e3f4a5c';
const REF2 = '0190a1b2-c3d4-7e5f-9a9b-0c1d2e3f4a5d';
const UUID_V4 = '3b241101-e2bb-4255-8caf-4136c566a962';
const HASH = 'a'.repeat(64);
const BASE = {
  id: ROW_ID,
  createdAt: '2026-11-02T09:00:00.000Z',
  updatedAt: '2026-11-02T09:05:00.000Z',
  deleted: false,
};

/** The smallest valid create input of every entity, and the defaults its parse must fill in. */
const entities = [
  {
    entity: 'Category',
    fields: CategoryFieldsSchema,
    create: CategoryCreateSchema,
    patch: CategoryPatchSchema,
    row: CategorySchema,
    sensitive: CATEGORY_SENSITIVE_FIELDS,
    input: { name: 'Groceries', kind: 'expense' },
    defaults: { parentId: null, color: null, icon: null, archived: false },
  },
  {
    entity: 'Expense',
    fields: ExpenseFieldsSchema,
    create: ExpenseCreateSchema,
    patch: ExpensePatchSchema,
    row: ExpenseSchema,
    sensitive: EXPENSE_SENSITIVE_FIELDS,
    input: { amount: 1250, currency: 'EUR', date: '2026-11-02' },
    defaults: {
      categoryId: null,
      payee: '',
      note: '',
      paymentMethod: null,
      tags: [],
      receiptId: null,
      inventoryItemId: null,
      accountId: null,
    },
  },
  {
    entity: 'Income',
    fields: IncomeFieldsSchema,
    create: IncomeCreateSchema,
    patch: IncomePatchSchema,
    row: IncomeSchema,
    sensitive: INCOME_SENSITIVE_FIELDS,
    input: { amount: 320000, currency: 'JPY', date: '2026-10-25' },
    defaults: { categoryId: null, source: '', note: '', recurring: false, accountId: null },
  },
  {
    entity: 'Budget',
    fields: BudgetFieldsSchema,
    create: BudgetCreateSchema,
    patch: BudgetPatchSchema,
    row: BudgetSchema,
    sensitive: BUDGET_SENSITIVE_FIELDS,
    input: { period: 'monthly', limitAmount: 50000, currency: 'EUR', startDate: '2026-11-01' },
    defaults: { categoryId: null, rollover: false, alertThresholdPercent: 80 },
  },
  {
    entity: 'InventoryItem',
    fields: InventoryItemFieldsSchema,
    create: InventoryItemCreateSchema,
    patch: InventoryItemPatchSchema,
    row: InventoryItemSchema,
    sensitive: INVENTORY_ITEM_SENSITIVE_FIELDS,
    input: { name: 'Bicycle' },
    defaults: {
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
    },
  },
  {
    entity: 'Receipt',
    fields: ReceiptFieldsSchema,
    create: ReceiptCreateSchema,
    patch: ReceiptPatchSchema,
    row: ReceiptSchema,
    sensitive: RECEIPT_SENSITIVE_FIELDS,
    input: { imageHash: HASH, mediaType: 'application/pdf', byteSize: 48213 },
    defaults: {
      width: null,
      height: null,
      thumbnailHash: null,
      ocrText: null,
      extractedMerchant: null,
      extractedTotal: null,
      extractedCurrency: null,
      extractedDate: null,
      expenseId: null,
    },
  },
  {
    entity: 'Profile',
    fields: ProfileFieldsSchema,
    create: ProfileCreateSchema,
    patch: ProfilePatchSchema,
    row: ProfileSchema,
    sensitive: PROFILE_SENSITIVE_FIELDS,
    input: { displayName: 'Aiko', defaultCurrency: 'JPY', locale: 'ja-JP' },
    defaults: { weekStartsOn: 1 },
  },
  {
    entity: 'Account',
    fields: AccountFieldsSchema,
    create: AccountCreateSchema,
    patch: AccountPatchSchema,
    row: AccountSchema,
    sensitive: ACCOUNT_SENSITIVE_FIELDS,
    input: {
      name: 'Checking',
      kind: 'checking',
      currency: 'EUR',
      openingBalance: -150,
      openingDate: '2026-01-01',
    },
    defaults: { institution: null, externalId: null, archived: false },
  },
  {
    entity: 'Transfer',
    fields: TransferFieldsSchema,
    create: TransferCreateSchema,
    patch: TransferPatchSchema,
    row: TransferSchema,
    sensitive: TRANSFER_SENSITIVE_FIELDS,
    input: { fromAccountId: REF, toAccountId: REF2, amount: 5000, currency: 'EUR', date: '2026-01-05' },
    defaults: { toAmount: null, toCurrency: null, note: '' },
  },
] as const;

/** Valid create inputs with every field set, so the row schemas see each field's real type. */
const full = {
  Category: { name: 'Food', kind: 'expense', parentId: REF, color: '#A1b2C3', icon: 'cart', archived: true },
  Expense: {
    amount: 1250,
    currency: 'EUR',
    date: '2024-02-29',
    categoryId: REF,
    payee: 'Bäckerei Müller',
    note: 'Rye bread\nand rolls',
    paymentMethod: 'card',
    tags: ['food', 'Food'],
    receiptId: REF,
    inventoryItemId: null,
    accountId: REF,
  },
  Income: {
    amount: 1,
    currency: 'KWD',
    date: '2026-01-31',
    categoryId: REF,
    source: 'Salary',
    note: '',
    recurring: true,
    accountId: null,
  },
  Account: {
    name: 'Card',
    kind: 'credit',
    currency: 'JPY',
    openingBalance: -MAX_AMOUNT,
    openingDate: '2025-12-31',
    institution: 'Bank',
    externalId: 'DE89 3704 0044 0532 0130 00',
    archived: true,
  },
  Transfer: {
    fromAccountId: REF,
    toAccountId: REF2,
    amount: 10_000,
    currency: 'EUR',
    toAmount: 16_321,
    toCurrency: 'JPY',
    date: '2026-02-02',
    note: 'Savings',
  },
  Budget: {
    categoryId: REF,
    period: 'yearly',
    limitAmount: MAX_AMOUNT,
    currency: 'USD',
    startDate: '2026-01-01',
    rollover: true,
    alertThresholdPercent: 100,
  },
  InventoryItem: {
    name: 'Camera',
    categoryId: REF,
    quantity: 0,
    purchaseDate: '2025-12-24',
    purchasePrice: 89900,
    currentValue: 0,
    currency: 'GBP',
    location: 'Hall cupboard',
    serialNumber: 'SN-12345',
    warrantyEnd: '2027-12-24',
    expenseId: REF,
    receiptId: REF,
    notes: 'Boxed',
  },
  Receipt: {
    imageHash: HASH,
    mediaType: 'image/heic',
    byteSize: 26_214_400,
    width: 3024,
    height: 4032,
    thumbnailHash: 'b'.repeat(64),
    ocrText: 'TOTAL 12,50',
    extractedMerchant: 'Bakery',
    extractedTotal: 1250,
    extractedCurrency: 'EUR',
    extractedDate: '2026-11-02',
    expenseId: REF,
  },
  Profile: { displayName: 'Aiko', defaultCurrency: 'JPY', locale: 'en-GB', weekStartsOn: 0 },
} as const;

function issuesOf(schema: z.ZodType, input: unknown) {
  const result = schema.safeParse(input);
  expect(result.success, `expected ${JSON.stringify(input)} to be rejected`).toBe(false);
  return result.error?.issues ?? [];
}

describe.each(entities)('$entity', ({ entity, fields, create, patch, row, sensitive, input, defaults }) => {
  it('parses a minimal create and fills every default', () => {
    const parsed = create.parse(input);
    expect(parsed).toEqual({ ...input, ...defaults });
    // The create output is a complete set of fields, but for those only written when given
    // (an expense's splits: most entries are not split).
    expect(fields.parse(parsed)).toEqual(parsed);
    const shape = fields.shape as Record<string, { safeParse(value: unknown): { success: boolean } }>;
    const always = Object.keys(shape).filter((field) => !shape[field]?.safeParse(undefined).success);
    expect(Object.keys(parsed).sort()).toEqual(always.sort());
  });

  it('accepts explicit values for every field', () => {
    const values = full[entity];
    expect(create.parse(values)).toEqual(values);
    expect(fields.parse(values)).toEqual(values);
  });

  it('accepts a full row', () => {
    const fullRow = { ...BASE, ...create.parse(input) };
    expect(row.parse(fullRow)).toEqual(fullRow);
    expect(row.parse({ ...BASE, ...full[entity] })).toEqual({ ...BASE, ...full[entity] });
  });

  it('rejects a row missing a base field or with a non-UUIDv7 id', () => {
    const { updatedAt: _, ...noUpdatedAt } = { ...BASE, ...create.parse(input) };
    expect(issuesOf(row, noUpdatedAt).map((i) => i.path)).toEqual([['updatedAt']]);
    const issues = issuesOf(row, { ...BASE, ...create.parse(input), id: UUID_V4 });
    expect(issues).toMatchObject([{ path: ['id'], message: 'must be a UUIDv7' }]);
  });

  it.each([
    ['fields', fields],
    ['create', create],
    ['patch', patch],
    ['row', row],
  ] as const)('rejects an unknown field in the %s schema', (_, schema) => {
    const value = schema === row ? { ...BASE, ...full[entity] } : full[entity];
    const issues = issuesOf(schema, { ...value, colour: 'red' });
    expect(issues).toMatchObject([{ code: 'unrecognized_keys', keys: ['colour'], path: [] }]);
  });

  it('rejects an empty patch, also one whose only keys are undefined', () => {
    expect(issuesOf(patch, {})).toMatchObject([{ path: [], message: 'must change at least one field' }]);
    const [first] = Object.keys(fields.shape);
    expect(issuesOf(patch, { [first as string]: undefined })).toMatchObject([{ path: [] }]);
  });

  it('accepts a patch of any single field', () => {
    for (const [field, value] of Object.entries(full[entity])) {
      expect(patch.parse({ [field]: value })).toEqual({ [field]: value });
    }
  });

  it('lets every defaulted-to-null field be cleared with null, and only those', () => {
    for (const [field, value] of Object.entries(defaults)) {
      const schema = (fields.shape as Record<string, z.ZodType>)[field];
      expect(schema?.safeParse(null).success, field).toBe(value === null);
    }
  });

  it('names only string-valued data fields as sensitive', () => {
    for (const field of sensitive) expect(Object.keys(fields.shape)).toContain(field);
  });
});

describe('sensitive fields', () => {
  it('are the personal free text of each entity', () => {
    expect(CATEGORY_SENSITIVE_FIELDS).toEqual([]);
    expect(EXPENSE_SENSITIVE_FIELDS).toEqual(['payee', 'note', 'tags', 'splits']);
    expect(INCOME_SENSITIVE_FIELDS).toEqual(['source', 'note']);
    expect(ACCOUNT_SENSITIVE_FIELDS).toEqual(['name', 'institution', 'externalId']);
    expect(TRANSFER_SENSITIVE_FIELDS).toEqual(['note']);
    expect(BUDGET_SENSITIVE_FIELDS).toEqual([]);
    expect(INVENTORY_ITEM_SENSITIVE_FIELDS).toEqual(['location', 'serialNumber', 'notes']);
    expect(RECEIPT_SENSITIVE_FIELDS).toEqual(['ocrText', 'extractedMerchant']);
    expect(PROFILE_SENSITIVE_FIELDS).toEqual(['displayName']);
    expect(Object.isFrozen(EXPENSE_SENSITIVE_FIELDS)).toBe(true);
  });
});

describe('base row', () => {
  it('syncs createdAt and deleted, never id or updatedAt', () => {
    expect(Object.keys(BASE_SYNCED_FIELDS).sort()).toEqual(['createdAt', 'deleted']);
    expect(BASE_SYNCED_FIELDS.createdAt.safeParse('2026-11-02T09:00:00.000Z').success).toBe(true);
    expect(BASE_SYNCED_FIELDS.createdAt.safeParse('2026-11-02T09:00:00Z').success).toBe(false);
    expect(BASE_SYNCED_FIELDS.deleted.safeParse('false').success).toBe(false);
  });

  it('lowercases the row id', () => {
    expect(BaseRowSchema.parse({ ...BASE, id: ROW_ID.toUpperCase() }).id).toBe(ROW_ID);
  });
});

const expense = entities[1].input;
const MSG = {
  positive: 'must be greater than zero',
  integer: 'must be an integer number of minor units',
  fraction: 'must be an integer number of minor units (no fractions)',
  currency: 'must be an ISO 4217 currency code with a minor unit, such as EUR',
  date: 'must be a real calendar date YYYY-MM-DD (1900-2199)',
  control: 'must not contain control characters',
  uuid: 'must be a UUIDv7 row id',
};

describe('amounts', () => {
  it.each([
    ['negative', -5, MSG.positive],
    ['zero', 0, MSG.positive],
    ['fractional', 12.5, MSG.fraction],
    ['above MAX_AMOUNT', MAX_AMOUNT + 1, `must be at most ${MAX_AMOUNT}`],
    ['a string', '1250', MSG.integer],
    ['NaN', Number.NaN, MSG.integer],
    ['Infinity', Number.POSITIVE_INFINITY, MSG.integer],
    ['-Infinity', Number.NEGATIVE_INFINITY, MSG.integer],
    ['null', null, MSG.integer],
  ])('rejects a %s expense amount', (_, amount, message) => {
    expect(issuesOf(ExpenseCreateSchema, { ...expense, amount })).toMatchObject([
      { path: ['amount'], message },
    ]);
    expect(issuesOf(ExpenseFieldsSchema.shape.amount, amount)).toMatchObject([{ path: [], message }]);
  });

  it.each([
    ['income amount', IncomeCreateSchema, entities[2].input, 'amount', 0],
    ['income amount', IncomeCreateSchema, entities[2].input, 'amount', -1],
    ['budget limit', BudgetCreateSchema, entities[3].input, 'limitAmount', 0],
    ['budget limit', BudgetCreateSchema, entities[3].input, 'limitAmount', 99.99],
    ['purchase price', InventoryItemCreateSchema, entities[4].input, 'purchasePrice', -1],
    ['current value', InventoryItemCreateSchema, entities[4].input, 'currentValue', 0.5],
    ['extracted total', ReceiptCreateSchema, entities[5].input, 'extractedTotal', -100],
    ['extracted total', ReceiptCreateSchema, entities[5].input, 'extractedTotal', MAX_AMOUNT + 1],
  ] as const)('rejects a bad %s (%s)', (_, schema, input, field, value) => {
    expect(issuesOf(schema, { ...input, [field]: value }).map((i) => i.path)).toEqual([[field]]);
  });

  it('accepts the extremes', () => {
    expect(ExpenseCreateSchema.parse({ ...expense, amount: 1 }).amount).toBe(1);
    expect(ExpenseCreateSchema.parse({ ...expense, amount: MAX_AMOUNT }).amount).toBe(MAX_AMOUNT);
    expect(InventoryItemCreateSchema.parse({ name: 'Gift', purchasePrice: 0 }).purchasePrice).toBe(0);
  });
});

describe('currencies', () => {
  it.each([
    ['XXX', ExpenseCreateSchema, expense, 'currency'],
    ['eur', ExpenseCreateSchema, expense, 'currency'],
    ['EURO', IncomeCreateSchema, entities[2].input, 'currency'],
    ['', BudgetCreateSchema, entities[3].input, 'currency'],
    ['XAU', InventoryItemCreateSchema, entities[4].input, 'currency'],
    ['toString', ReceiptCreateSchema, entities[5].input, 'extractedCurrency'],
    ['usd', ProfileCreateSchema, entities[6].input, 'defaultCurrency'],
  ] as const)('rejects %j as %s', (code, schema, input, field) => {
    expect(issuesOf(schema, { ...input, [field]: code })).toMatchObject([
      { path: [field], message: MSG.currency },
    ]);
  });
});

describe('dates', () => {
  it.each([
    '2026-02-30',
    '2025-02-29',
    '1900-02-29',
    '2026-13-01',
    '2026-04-31',
    '2026-00-10',
    '2026-1-5',
    '2026-11-02T00:00:00Z',
    '1899-12-31',
    '',
  ])('rejects %j', (date) => {
    expect(issuesOf(ExpenseCreateSchema, { ...expense, date })).toMatchObject([
      { path: ['date'], message: MSG.date },
    ]);
    expect(issuesOf(BudgetFieldsSchema.shape.startDate, date)).toMatchObject([{ message: MSG.date }]);
    expect(issuesOf(InventoryItemFieldsSchema.shape.warrantyEnd, date).map((i) => i.path)).toEqual([[]]);
  });

  it.each(['2024-02-29', '2000-02-29', '2026-12-31', '1900-01-01', '2199-12-31'])('accepts %s', (date) => {
    expect(ExpenseCreateSchema.parse({ ...expense, date }).date).toBe(date);
    expect(ReceiptFieldsSchema.shape.extractedDate.parse(date)).toBe(date);
  });
});

describe('text', () => {
  it.each([
    [
      'payee of 201 characters',
      ExpenseCreateSchema,
      expense,
      'payee',
      'x'.repeat(201),
      'must be at most 200 characters',
    ],
    [
      'note of 2001 characters',
      ExpenseCreateSchema,
      expense,
      'note',
      'x'.repeat(2001),
      'must be at most 2000 characters',
    ],
    ['NUL in a payee', ExpenseCreateSchema, expense, 'payee', 'Bake\u0000ry', MSG.control],
    ['ESC in a note', ExpenseCreateSchema, expense, 'note', 'a\u001b[31m', MSG.control],
    ['DEL in an income source', IncomeCreateSchema, entities[2].input, 'source', 'Pay\u007f', MSG.control],
    ['BEL in a category name', CategoryCreateSchema, entities[0].input, 'name', 'Food\u0007', MSG.control],
    ['a blank category name', CategoryCreateSchema, entities[0].input, 'name', '   ', 'must not be empty'],
    ['an icon of 33 characters', CategoryCreateSchema, entities[0].input, 'icon', 'i'.repeat(33), undefined],
    ['a blank item name', InventoryItemCreateSchema, entities[4].input, 'name', '', 'must not be empty'],
    [
      'a serial number of 101',
      InventoryItemCreateSchema,
      entities[4].input,
      'serialNumber',
      's'.repeat(101),
      undefined,
    ],
    ['notes of 4001', InventoryItemCreateSchema, entities[4].input, 'notes', 'n'.repeat(4001), undefined],
    ['OCR text of 20001', ReceiptCreateSchema, entities[5].input, 'ocrText', 'o'.repeat(20_001), undefined],
    [
      'a display name of 101',
      ProfileCreateSchema,
      entities[6].input,
      'displayName',
      'd'.repeat(101),
      undefined,
    ],
    [
      'a vertical tab in a name',
      ProfileCreateSchema,
      entities[6].input,
      'displayName',
      'A\u000bB',
      MSG.control,
    ],
  ] as const)('rejects %s', (_, schema, input, field, value, message) => {
    const issues = issuesOf(schema, { ...input, [field]: value });
    expect(issues.map((i) => i.path)).toEqual([[field]]);
    if (message) expect(issues[0]?.message).toBe(message);
  });

  it('accepts text at the limit, tabs and line breaks', () => {
    const parsed = ExpenseCreateSchema.parse({ ...expense, payee: 'p'.repeat(200), note: 'a\tb\r\nc' });
    expect(parsed.payee).toHaveLength(200);
    expect(parsed.note).toBe('a\tb\r\nc');
  });

  it('keeps non-nullable text non-nullable: a payee is cleared with an empty string', () => {
    expect(issuesOf(ExpenseFieldsSchema.shape.payee, null)).toHaveLength(1);
    expect(ExpensePatchSchema.parse({ payee: '' })).toEqual({ payee: '' });
  });
});

describe('references', () => {
  it.each([
    ['a UUIDv4 category', ExpenseCreateSchema, expense, 'categoryId'],
    ['a UUIDv4 parent', CategoryCreateSchema, entities[0].input, 'parentId'],
    ['a UUIDv4 receipt', ExpenseCreateSchema, expense, 'receiptId'],
    ['a UUIDv4 expense', ReceiptCreateSchema, entities[5].input, 'expenseId'],
    ['a UUIDv4 budget category', BudgetCreateSchema, entities[3].input, 'categoryId'],
  ] as const)('rejects %s', (_, schema, input, field) => {
    expect(issuesOf(schema, { ...input, [field]: UUID_V4 })).toMatchObject([
      { path: [field], message: MSG.uuid },
    ]);
  });

  it('rejects a non-UUIDv7 row id and a non-UUIDv7 patch reference', () => {
    const row = { ...BASE, ...ExpenseCreateSchema.parse(expense), id: UUID_V4 };
    expect(issuesOf(ExpenseSchema, row)).toMatchObject([{ path: ['id'] }]);
    expect(issuesOf(IncomePatchSchema, { categoryId: 'not-a-uuid' })).toMatchObject([
      { path: ['categoryId'] },
    ]);
  });
});

describe('expense tags', () => {
  const tags = (n: number) => Array.from({ length: n }, (_, i) => `tag${i}`);

  it.each([
    ['duplicate tags', ['food', 'gift', 'food'], [['tags']], 'must not repeat a tag'],
    ['21 tags', tags(21), [['tags']], 'must have at most 20 tags'],
    ['a blank tag', ['food', ' '], [['tags', 1]], 'must not be empty'],
    ['a tag of 41 characters', ['t'.repeat(41)], [['tags', 0]], 'must be at most 40 characters'],
    ['a string instead of a list', 'food', [['tags']], undefined],
    ['null', null, [['tags']], undefined],
  ])('rejects %s', (_, value, paths, message) => {
    const issues = issuesOf(ExpenseCreateSchema, { ...expense, tags: value });
    expect(issues.map((i) => i.path)).toEqual(paths);
    if (message) expect(issues[0]?.message).toBe(message);
  });

  it('validates tags on their own, as a sync op does', () => {
    expect(issuesOf(ExpenseFieldsSchema.shape.tags, ['a', 'a'])).toMatchObject([
      { message: 'must not repeat a tag' },
    ]);
    expect(ExpenseFieldsSchema.shape.tags.parse(tags(20))).toHaveLength(20);
  });

  it('treats tags case-sensitively and gives each create its own default array', () => {
    expect(ExpenseCreateSchema.parse({ ...expense, tags: ['Food', 'food'] }).tags).toEqual(['Food', 'food']);
    const a = ExpenseCreateSchema.parse(expense);
    a.tags.push('mutated');
    expect(ExpenseCreateSchema.parse(expense).tags).toEqual([]);
  });
});

describe('enumerations and bounded integers', () => {
  it.each([
    ['a colour name', CategoryCreateSchema, entities[0].input, 'color', 'red'],
    ['a short colour', CategoryCreateSchema, entities[0].input, 'color', '#abc'],
    ['a colour with alpha', CategoryCreateSchema, entities[0].input, 'color', '#aabbccdd'],
    ['a non-hex colour', CategoryCreateSchema, entities[0].input, 'color', '#gggggg'],
    ['a colour without #', CategoryCreateSchema, entities[0].input, 'color', 'aabbcc'],
    ['an unknown kind', CategoryCreateSchema, entities[0].input, 'kind', 'transfer'],
    ['an unknown payment method', ExpenseCreateSchema, expense, 'paymentMethod', 'cheque'],
    ['an unknown period', BudgetCreateSchema, entities[3].input, 'period', 'daily'],
    ['alertThresholdPercent 0', BudgetCreateSchema, entities[3].input, 'alertThresholdPercent', 0],
    ['alertThresholdPercent 101', BudgetCreateSchema, entities[3].input, 'alertThresholdPercent', 101],
    ['alertThresholdPercent 50.5', BudgetCreateSchema, entities[3].input, 'alertThresholdPercent', 50.5],
    ['a negative quantity', InventoryItemCreateSchema, entities[4].input, 'quantity', -1],
    ['a fractional quantity', InventoryItemCreateSchema, entities[4].input, 'quantity', 1.5],
    ['a quantity over a million', InventoryItemCreateSchema, entities[4].input, 'quantity', 1_000_001],
    ['a GIF', ReceiptCreateSchema, entities[5].input, 'mediaType', 'image/gif'],
    ['an upper-case media type', ReceiptCreateSchema, entities[5].input, 'mediaType', 'IMAGE/PNG'],
    ['an empty file', ReceiptCreateSchema, entities[5].input, 'byteSize', 0],
    ['a file over 25 MiB', ReceiptCreateSchema, entities[5].input, 'byteSize', 26_214_401],
    ['a zero width', ReceiptCreateSchema, entities[5].input, 'width', 0],
    ['a height over 20000', ReceiptCreateSchema, entities[5].input, 'height', 20_001],
    ['an upper-case image hash', ReceiptCreateSchema, entities[5].input, 'imageHash', 'A'.repeat(64)],
    ['a short thumbnail hash', ReceiptCreateSchema, entities[5].input, 'thumbnailHash', 'a'.repeat(63)],
    ['weekStartsOn 7', ProfileCreateSchema, entities[6].input, 'weekStartsOn', 7],
    ['weekStartsOn -1', ProfileCreateSchema, entities[6].input, 'weekStartsOn', -1],
    ['a boolean as a string', IncomeCreateSchema, entities[2].input, 'recurring', 'true'],
  ] as const)('rejects %s', (_, schema, input, field, value) => {
    expect(issuesOf(schema, { ...input, [field]: value }).map((i) => i.path)).toEqual([[field]]);
  });

  it.each([
    [0, 'must be at least 1'],
    [101, 'must be at most 100'],
  ])('names the bound when alertThresholdPercent is %i', (value, message) => {
    const issues = issuesOf(BudgetPatchSchema, { alertThresholdPercent: value });
    expect(issues).toMatchObject([{ path: ['alertThresholdPercent'], message }]);
  });

  it('names the allowed media types', () => {
    const [issue] = issuesOf(ReceiptFieldsSchema.shape.mediaType, 'image/gif');
    expect(issue?.message).toBe(
      'must be one of: image/jpeg, image/png, image/webp, image/heic, application/pdf',
    );
  });
});

describe('profile locale', () => {
  it.each([
    ['xx-!!', 'must be a BCP 47 language tag, such as en-GB'],
    ['en_US', 'must be a BCP 47 language tag, such as en-GB'],
    ['', 'must be a BCP 47 language tag, such as en-GB'],
    [`en-${'a'.repeat(33)}`, 'must be at most 35 characters'],
  ])('rejects %j', (locale, message) => {
    const issues = issuesOf(ProfileCreateSchema, { ...entities[6].input, locale });
    expect(issues[0]).toMatchObject({ path: ['locale'], message });
  });

  it.each(['en', 'en-GB', 'ja-JP', 'zh-Hant-TW', 'de-CH-1996', 'sr-Latn-RS'])('accepts %s', (locale) => {
    expect(ProfileFieldsSchema.shape.locale.parse(locale)).toBe(locale);
  });
});

describe('a transfer as a whole', () => {
  const transfer = {
    fromAccountId: REF,
    toAccountId: REF2,
    amount: 100,
    currency: 'EUR',
    date: '2026-01-05',
  };
  it('is between two accounts, with both sides of another currency given together', () => {
    expect(TransferCreateSchema.parse(transfer)).toMatchObject({ toAmount: null, toCurrency: null });
    expect(TransferCreateSchema.parse({ ...transfer, toAmount: 160, toCurrency: 'USD' })).toMatchObject({
      toAmount: 160,
    });
    for (const [input, path, message] of [
      [{ ...transfer, toAccountId: REF }, 'toAccountId', 'another account'],
      [{ ...transfer, toAmount: 160 }, 'toAmount', 'together'],
      [{ ...transfer, toCurrency: 'USD' }, 'toAmount', 'together'],
      [{ ...transfer, toAmount: 160, toCurrency: 'EUR' }, 'toCurrency', 'same as currency'],
    ] as const) {
      expect(issuesOf(TransferCreateSchema, input)).toMatchObject([
        { path: [path], message: expect.stringContaining(message) },
      ]);
    }
  });
});
