import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatStamp } from '../src/clock/index.js';
import { KakeiboError } from '../src/errors.js';
import { uuidv7 } from '../src/ids.js';
import {
  LIMITS,
  PackedRowSchema,
  parseBucketRowsPage,
  parseSnapshotPage,
  SnapshotPageSchema,
} from '../src/protocol/index.js';
import {
  ChecksumDelta,
  checkPackedRow,
  fieldValueProblem,
  MAX_PACKED_ROW_CHARS,
  MemoryReplica,
  type Op,
  packRow,
  parseOp,
  type RowState,
  rowStateOf,
  unpackRow,
} from '../src/sync/index.js';
import { firstPackedForm } from './support/index.js';

const DEVICE = 'aaaaaaaaaaaaaaaa';
const stamp = (ms: number, counter = 0, device = DEVICE) =>
  formatStamp({ wallMs: Date.UTC(2026, 10, 1) + ms, counter, deviceId: device });
const S1 = stamp(0);
const S2 = stamp(5, 1, 'bbbbbbbbbbbbbbbb');

const expense = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  amount: 1250,
  currency: 'EUR',
  date: '2026-11-02',
  categoryId: null,
  payee: 'Bäckerei "Zum Korn" \\ 🥐',
  note: 'line one\nline two\ttabbed',
  paymentMethod: 'card',
  tags: ['food', 'weekend'],
  receiptId: null,
  inventoryItemId: null,
  createdAt: '2026-11-02T08:15:00.000Z',
  deleted: false,
  ...overrides,
});

const op = (rowId: string, fields: Record<string, unknown>, at = S1): Op =>
  parseOp({
    id: uuidv7(),
    table: 'expenses',
    rowId,
    stamp: at,
    deviceId: at.slice(18),
    fields,
    prev: Object.fromEntries(Object.keys(fields).map((f) => [f, null])),
  });

/** The row a replica holds after `ops`, and its packed text as storage keeps it. */
function stored(ops: Op[]): { rowId: string; row: RowState; packed: string } {
  const replica = new MemoryReplica();
  for (const o of ops) replica.apply(o);
  const rowId = ops[0]?.rowId as string;
  const row = replica.row('expenses', rowId) as RowState;
  return { rowId, row, packed: packRow(row) };
}

const refusal = (fn: () => unknown, what = 'it'): KakeiboError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof KakeiboError) return error;
    throw error;
  }
  throw new Error(`expected a KakeiboError for ${what}`);
};

describe('packed rows from the wire (checkPackedRow)', () => {
  it('decode exactly what packRow wrote, rows with several stamps and escaped text included', () => {
    const rowId = uuidv7();
    const { row, packed } = stored([op(rowId, expense()), op(rowId, { amount: 1300, deleted: true }, S2)]);
    expect(JSON.parse(packed)[0]).toHaveLength(2);
    const checked = checkPackedRow('expenses', rowId, packed);
    expect(rowStateOf(checked)).toEqual(row);
    expect(checked.newest).toBe(S2);
  });

  it('are ASCII text, every other character escaped, and read back to exactly the same values', () => {
    const rowId = uuidv7();
    const payees = ['Bäckerei', 'コンビニ', 'croissant 🥐', 'naïve — “quoted”', 'plain'];
    for (const payee of payees) {
      const { row, packed } = stored([op(rowId, expense({ payee, tags: ['ü', 'タグ'] }))]);
      expect(packed).toMatch(/^[\x20-\x7e]*$/);
      expect(unpackRow(packed)).toEqual(row);
      expect(rowStateOf(checkPackedRow('expenses', rowId, packed))).toEqual(row);
      expect((unpackRow(packed).payee as { value: unknown }).value).toBe(payee);
    }
    // Nothing changes for text that is ASCII already: the packed text is plain JSON.
    const ascii = stored([op(rowId, expense({ payee: 'plain', note: '' }))]);
    expect(ascii.packed).toBe(JSON.stringify(JSON.parse(ascii.packed)));
    // The checksum hashes the values, so it is the same whichever way the text was written.
    const raw = stored([op(rowId, expense({ payee: 'Bäckerei' }))]);
    const rawText = raw.packed.replace(/\\u00e4/g, 'ä');
    expect(rawText).not.toBe(raw.packed);
    const sums = (text: string) => {
      const delta = new ChecksumDelta();
      delta.addChecked('expenses', rowId, checkPackedRow('expenses', rowId, text));
      return delta.buckets();
    };
    expect(sums(rawText)).toEqual(sums(raw.packed));
  });

  it('accept every row a replica of valid ops holds (random values, random edits)', () => {
    const text = fc
      .string({ maxLength: 30, unit: 'grapheme' })
      // Any text the schema takes (it refuses control characters).
      .filter((s) => fieldValueProblem('expenses', 'note', s) === null);
    const edit = fc.record(
      {
        amount: fc.integer({ min: 1, max: 999_999_999_999_999 }),
        payee: text,
        note: text,
        tags: fc.uniqueArray(fc.constantFrom('a', 'b', 'c "quoted"', 'ü'), { maxLength: 3 }),
        deleted: fc.boolean(),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.array(edit, { maxLength: 4 }), (edits) => {
        const rowId = uuidv7();
        const ops = [op(rowId, expense())];
        edits.forEach((fields, i) => {
          if (Object.keys(fields).length) ops.push(op(rowId, fields, stamp(10 + i, 0, 'cccccccccccccccc')));
        });
        const { row, packed } = stored(ops);
        expect(rowStateOf(checkPackedRow('expenses', rowId, packed))).toEqual(row);
      }),
      { numRuns: 200 },
    );
  });

  it('read rows stored in the first packed form ({ s, f }) exactly as before', () => {
    const rowId = uuidv7();
    const { row } = stored([op(rowId, expense()), op(rowId, { amount: 1300, deleted: true }, S2)]);
    const legacy = firstPackedForm(row);
    expect(legacy.startsWith('{"s":')).toBe(true);
    expect(unpackRow(legacy)).toEqual(row);
    const checked = checkPackedRow('expenses', rowId, legacy);
    expect(rowStateOf(checked)).toEqual(row);
    expect(checked.newest).toBe(S2);
  });

  it('refuse anything but the exact packed form, naming the row and the problem', () => {
    const rowId = uuidv7();
    const good = stored([op(rowId, expense())]).packed;
    const flat = (stamps: unknown, ...entries: unknown[]) => JSON.stringify([stamps, ...entries]);
    const cases: Array<[string, string, RegExp]> = [
      ['not JSON', '[["x"],', /not JSON/],
      ['a string', '"x"', /not a packed row/],
      ['an empty list', '[]', /no stamps/],
      ['no stamps', flat([], 'amount', 5, 0), /no stamps/],
      ['stamps not a list', flat(S1, 'amount', 5, 0), /no stamps/],
      ['a malformed stamp', flat(['2026-11-02'], 'amount', 5, 0), /not an HLC stamp/],
      ['a stamp twice', flat([S1, S1], 'amount', 5, 0), /listed twice/],
      ['an unused stamp', flat([S1, S2], 'amount', 5, 0), /no field has/],
      ['no fields', flat([S1]), /no fields/],
      ['a field cut short', flat([S1], 'amount', 5), /triples/],
      ['a field name that is no string', flat([S1], 5, 5, 0), /not a field name/],
      ['a stamp index out of range', flat([S1], 'amount', 5, 1), /names no listed stamp/],
      ['a stamp index that is no integer', flat([S1], 'amount', 5, 0.5), /names no listed stamp/],
      ['a field twice', flat([S1], 'amount', 5, 0, 'amount', 6, 0), /"amount" is listed twice/],
      ['an unknown field', flat([S1], 'colour', 'red', 0), /no field "colour"/],
      ['an inherited name', flat([S1], 'toString', 'x', 0), /no field "toString"/],
      ['__proto__', flat([S1], '__proto__', 'x', 0), /no field "__proto__"/],
      ['a float amount', flat([S1], 'amount', 12.5, 0), /field "amount"/],
      ['a negative amount', flat([S1], 'amount', -5, 0), /field "amount"/],
      ['a bad date', flat([S1], 'date', '2026-02-30', 0), /field "date"/],
      ['a control character', flat([S1], 'payee', 'a\u0001b', 0), /field "payee"/],
      ['repeated tags', flat([S1], 'tags', ['a', 'a'], 0), /field "tags"/],
      ['too long', flat([S1], 'note', 'x'.repeat(MAX_PACKED_ROW_CHARS), 0), /longer than/],
      // The first form, as strictly.
      ['an extra part', `{"s":["${S1}"],"f":{},"x":1}`, /unknown part "x"/],
      ['first form without stamps', JSON.stringify({ s: [], f: { amount: [5, 0] } }), /no stamps/],
      ['first form, fields as a list', JSON.stringify({ s: [S1], f: [] }), /not an object/],
      ['first form, no fields', JSON.stringify({ s: [S1], f: {} }), /no fields/],
      ['first form, a bare value', JSON.stringify({ s: [S1], f: { amount: 5 } }), /\[value, stamp index\]/],
      ['first form, __proto__', `{"s":["${S1}"],"f":{"__proto__":["x",0]}}`, /no field "__proto__"/],
      ['first form, a bad value', JSON.stringify({ s: [S1], f: { amount: [-5, 0] } }), /field "amount"/],
    ];
    expect(checkPackedRow('expenses', rowId, good).values.amount).toBe(1250);
    for (const [what, text, message] of cases) {
      const error = refusal(() => checkPackedRow('expenses', rowId, text), what);
      expect([what, error.code]).toEqual([what, 'sync.invalid_row']);
      expect(error.message, what).toMatch(message);
      expect(error.message, what).toContain(`expenses/${rowId}`);
    }
  });

  it('remember accepted values only: a refused value is refused every time, after a valid one too', () => {
    for (let i = 0; i < 3; i++) {
      expect(fieldValueProblem('expenses', 'currency', 'EUR')).toBeNull();
      expect(fieldValueProblem('expenses', 'currency', 'XXX')?.kind).toBe('invalid');
      expect(fieldValueProblem('expenses', 'tags', ['a'])).toBeNull();
      // The same JSON text as a string is not the list it spells.
      expect(fieldValueProblem('expenses', 'tags', '["a"]')?.kind).toBe('invalid');
      expect(fieldValueProblem('expenses', 'amount', 100)).toBeNull();
      expect(fieldValueProblem('expenses', 'amount', '100')?.kind).toBe('invalid');
      expect(fieldValueProblem('income', 'payee', 'x')?.kind).toBe('unknown_field');
    }
  });
});

describe('checked rows (checkPackedRow): what a store needs, without a RowState', () => {
  it('give the values, the flat form and the sums addRow gives, for both forms', () => {
    const rowId = uuidv7();
    const { row, packed } = stored([op(rowId, expense()), op(rowId, { amount: 1300, note: 'x' }, S2)]);
    for (const text of [packed, firstPackedForm(row)]) {
      const checked = checkPackedRow('expenses', rowId, text);
      expect(checked.newest).toBe(S2);
      expect(rowStateOf(checked)).toEqual(row);
      expect(checked.values).toEqual(Object.fromEntries(Object.entries(row).map(([f, s]) => [f, s.value])));
      // Whatever form it came in, the checked row is in the flat form.
      expect(rowStateOf({ ...checked, flat: JSON.parse(packed) })).toEqual(row);
      const fromState = new ChecksumDelta();
      fromState.addRow('expenses', rowId, row);
      const fromChecked = new ChecksumDelta();
      fromChecked.addChecked('expenses', rowId, checked);
      expect(fromChecked.buckets()).toEqual(fromState.buckets());
    }
  });

  it('sum exactly as addRow for every row a replica of random edits holds', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record(
            { amount: fc.integer({ min: 1, max: 10_000 }), note: fc.string({ maxLength: 8 }) },
            { requiredKeys: [] },
          ),
          { maxLength: 4 },
        ),
        (edits) => {
          const rowId = uuidv7();
          const ops = [op(rowId, expense())];
          edits.forEach((fields, i) => {
            if (
              Object.keys(fields).length &&
              fieldValueProblem('expenses', 'note', fields.note ?? '') === null
            )
              ops.push(op(rowId, fields, stamp(10 + i, 0, 'cccccccccccccccc')));
          });
          const { row, packed } = stored(ops);
          const a = new ChecksumDelta();
          a.addRow('expenses', rowId, row);
          const b = new ChecksumDelta();
          b.addChecked('expenses', rowId, checkPackedRow('expenses', rowId, packed));
          expect(b.buckets()).toEqual(a.buckets());
        },
      ),
      { numRuns: 200 },
    );
  });

  it('are what snapshot pages decode to, their RowState built only when asked for', () => {
    const rowId = uuidv7();
    const { row, packed } = stored([op(rowId, expense())]);
    const [decoded] = parseSnapshotPage({
      watermark: 1,
      rows: [{ table: 'expenses', rowId, packed }],
      nextCursor: null,
    }).rows;
    expect(decoded?.checked?.values.payee).toBe(expense().payee);
    expect(decoded?.fields).toEqual(row);
    expect(decoded?.fields).toBe(decoded?.fields);
  });
});

describe('snapshot and repair pages (parseSnapshotPage, parseBucketRowsPage)', () => {
  const rowOf = (fields = expense()) => {
    const rowId = uuidv7();
    return { table: 'expenses', rowId, packed: stored([op(rowId, fields)]).packed };
  };

  it('decode every row with its packed text, and the newest stamp of the page', () => {
    const rows = [rowOf(), rowOf()];
    const later = uuidv7();
    rows.push({ table: 'expenses', rowId: later, packed: stored([op(later, expense(), S2)]).packed });
    const page = parseSnapshotPage({ watermark: 7, rows, nextCursor: null });
    expect(page.watermark).toBe(7);
    expect(page.newest).toBe(S2);
    expect(page.rows.map((r) => [r.table, r.rowId, r.packed])).toEqual(
      rows.map((r) => [r.table, r.rowId, r.packed]),
    );
    expect(page.rows[0]?.fields.payee?.value).toBe(expense().payee);
    expect(parseBucketRowsPage({ rows: [], nextCursor: null })).toEqual({
      rows: [],
      nextCursor: null,
      newest: undefined,
    });
  });

  it('refuse a malformed envelope before looking at any row', () => {
    const good = rowOf();
    const bad: Array<[string, unknown]> = [
      ['no rows', { watermark: 1, nextCursor: null }],
      ['an unknown table', { watermark: 1, rows: [{ ...good, table: 'secrets' }], nextCursor: null }],
      [
        'a row id that is not a stored UUIDv7',
        { watermark: 1, rows: [{ ...good, rowId: good.rowId.toUpperCase() }], nextCursor: null },
      ],
      [
        'the expanded form',
        { watermark: 1, rows: [{ table: good.table, rowId: good.rowId, fields: {} }], nextCursor: null },
      ],
      ['an empty text', { watermark: 1, rows: [{ ...good, packed: '' }], nextCursor: null }],
      [
        'too many rows',
        { watermark: 1, rows: Array(LIMITS.maxSnapshotRows + 1).fill(good), nextCursor: null },
      ],
      ['a negative watermark', { watermark: -1, rows: [], nextCursor: null }],
    ];
    for (const [what, body] of bad) {
      expect([what, refusal(() => parseSnapshotPage(body)).code]).toEqual([what, 'sync.invalid_response']);
    }
    expect(
      refusal(() => parseBucketRowsPage({ rows: [{ ...good, packed: 1 }], nextCursor: null })).code,
    ).toBe('sync.invalid_response');
    // A well-formed envelope around a bad row: the row is what is refused.
    const forged = { ...good, packed: good.packed.replace('"EUR"', '"XXX"') };
    expect(
      refusal(() => parseSnapshotPage({ watermark: 1, rows: [good, forged], nextCursor: null })).code,
    ).toBe('sync.invalid_row');
  });

  it('describe the same row shape in the schema the server publishes', () => {
    const good = rowOf();
    expect(PackedRowSchema.safeParse(good).success).toBe(true);
    expect(SnapshotPageSchema.safeParse({ watermark: 0, rows: [good], nextCursor: 'x' }).success).toBe(true);
  });
});

describe('op field names', () => {
  it('are own fields of the table: Object.prototype names are unknown fields, not crashes', () => {
    for (const field of ['toString', 'constructor', 'hasOwnProperty']) {
      const error = refusal(() =>
        parseOp({
          id: uuidv7(),
          table: 'expenses',
          rowId: uuidv7(),
          stamp: S1,
          deviceId: DEVICE,
          fields: { [field]: 1 },
          prev: { [field]: null },
        }),
      );
      expect(error.code).toBe('op.unknown_field');
    }
  });
});
