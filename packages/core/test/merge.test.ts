import { describe, expect, it } from 'vitest';
import { formatStamp, HybridClock } from '../src/clock/index.js';
import { uuidv7 } from '../src/ids.js';
import {
  buildOp,
  isDeleted,
  MemoryReplica,
  materializeRow,
  mergeOp,
  type Op,
  parseOp,
} from '../src/sync/index.js';

const A = 'aaaaaaaaaaaaaaaa';
const B = 'bbbbbbbbbbbbbbbb';
const T0 = Date.UTC(2026, 10, 24, 9, 0, 0);
const ROW = uuidv7(T0);

const stamp = (ms: number, device: string, counter = 0) =>
  formatStamp({ wallMs: T0 + ms, counter, deviceId: device });

function op(device: string, ms: number, fields: Op['fields'], prev: Record<string, string | null> = {}): Op {
  return {
    id: uuidv7(T0 + ms),
    table: 'expenses',
    rowId: ROW,
    stamp: stamp(ms, device),
    deviceId: device,
    fields,
    prev: Object.fromEntries(Object.keys(fields).map((f) => [f, prev[f] ?? null])),
  };
}

const create = op(A, 0, {
  amount: 1250,
  currency: 'EUR',
  date: '2026-11-02',
  payee: 'Bakery',
  deleted: false,
});
const base = create.stamp;

describe('mergeOp', () => {
  it('keeps, per field, the value with the greatest stamp', () => {
    const replica = new MemoryReplica();
    replica.apply(create);
    replica.apply(op(B, 20, { amount: 1300 }, { amount: base }));
    replica.apply(op(A, 10, { payee: 'Baker' }, { payee: base }));
    const row = materializeRow(ROW, replica.row('expenses', ROW) ?? {});
    expect(row).toMatchObject({ amount: 1300, payee: 'Baker', currency: 'EUR', deleted: false });
    expect(row.updatedAt).toBe(new Date(T0 + 20).toISOString());
  });

  it('concurrent writes of the same value are no conflict; of different values they are', () => {
    // Two devices that both write a row neither had seen (a recurring occurrence, offline on both).
    const twin = op(B, 5, {
      amount: 1250,
      currency: 'EUR',
      date: '2026-11-02',
      payee: 'Bakery',
      deleted: false,
    });
    const replica = new MemoryReplica();
    replica.apply(create);
    expect(replica.apply(twin)).toEqual([]);
    expect(replica.apply(op(A, 30, { note: 'rye' }))).toEqual([]);
    expect(replica.apply(op(B, 31, { note: 'rolls' })).map((c) => c.field)).toEqual(['note']);
  });

  it('edits of different fields of one row merge without a conflict', () => {
    const replica = new MemoryReplica();
    replica.apply(create);
    expect(replica.apply(op(A, 10, { amount: 999 }, { amount: base }))).toEqual([]);
    expect(replica.apply(op(B, 11, { payee: 'Market' }, { payee: base }))).toEqual([]);
  });

  it('a concurrent edit of the same field keeps the newer value and records both sides', () => {
    const replica = new MemoryReplica();
    replica.apply(create);
    replica.apply(op(A, 10, { amount: 1111 }, { amount: base }));
    const conflicts = replica.apply(op(B, 20, { amount: 2222 }, { amount: base }));
    expect(conflicts).toEqual([
      {
        id: `expenses/${ROW}/amount/${stamp(10, A)}`,
        table: 'expenses',
        rowId: ROW,
        field: 'amount',
        winner: { value: 2222, stamp: stamp(20, B), deviceId: B },
        loser: { value: 1111, stamp: stamp(10, A), deviceId: A },
      },
    ]);
    expect(replica.row('expenses', ROW)?.amount?.value).toBe(2222);
  });

  it('records the conflict when the late, concurrent op loses as well', () => {
    const replica = new MemoryReplica();
    replica.apply(create);
    replica.apply(op(B, 20, { amount: 2222 }, { amount: base }));
    const [conflict] = replica.apply(op(A, 10, { amount: 1111 }, { amount: base }));
    expect(conflict?.winner.value).toBe(2222);
    expect(conflict?.loser.value).toBe(1111);
    expect(replica.row('expenses', ROW)?.amount?.value).toBe(2222);
  });

  it('a deliberate overwrite (the writer had seen the current value) is no conflict', () => {
    const replica = new MemoryReplica();
    replica.apply(create);
    const first = op(A, 10, { amount: 1111 }, { amount: base });
    replica.apply(first);
    expect(replica.apply(op(B, 20, { amount: 2222 }, { amount: first.stamp }))).toEqual([]);
  });

  it('a delete against a concurrent edit: the tombstone holds and a later edit does not revive the row', () => {
    const replica = new MemoryReplica();
    replica.apply(create);
    replica.apply(op(A, 30, { deleted: true }, { deleted: base }));
    replica.apply(op(B, 40, { amount: 5 }, { amount: base }));
    expect(isDeleted(replica.row('expenses', ROW) ?? {})).toBe(true);
    expect(replica.row('expenses', ROW)?.amount?.value).toBe(5);
  });

  it('is idempotent: a re-delivered op changes nothing', () => {
    const first = mergeOp(undefined, create);
    const again = mergeOp(first.row, create);
    expect(again.row).toEqual(first.row);
    expect(again.changes).toEqual([]);
    expect(again.conflicts).toEqual([]);
  });

  it('resolves equal stamps with different values (a broken writer) the same way everywhere', () => {
    const x = op(A, 10, { payee: 'x' }, { payee: base });
    const y = { ...x, id: uuidv7(), fields: { payee: 'y' } };
    const xy = mergeOp(mergeOp(undefined, x).row, y).row;
    const yx = mergeOp(mergeOp(undefined, y).row, x).row;
    expect(xy).toEqual(yx);
  });

  it('one device writing the same field twice, delivered out of order, is no conflict', () => {
    const replica = new MemoryReplica();
    const second = op(A, 20, { amount: 2 }, { amount: stamp(10, A) });
    replica.apply(second);
    expect(replica.apply(op(A, 10, { amount: 1 }))).toEqual([]);
    expect(replica.row('expenses', ROW)?.amount?.value).toBe(2);
  });
});

describe('buildOp', () => {
  it('stamps the op and records the replaced stamp of each field', () => {
    const clock = new HybridClock(A, { now: () => T0 + 100 });
    const current = mergeOp(undefined, create).row;
    const built = buildOp(clock, 'expenses', ROW, { amount: 1, note: 'x' }, current);
    expect(built.prev).toEqual({ amount: base, note: null });
    expect(built.stamp > base).toBe(true);
    expect(parseOp(built)).toEqual(built);
  });
});

describe('parseOp rejects bad input with a specific code', () => {
  const good = () => structuredClone(create) as unknown as Record<string, unknown>;
  it.each<[string, (o: Record<string, unknown>) => void, string]>([
    ['an unknown table', (o) => (o.table = 'accounts_v0'), 'op.invalid'],
    [
      'an unknown field',
      (o) => {
        (o.fields as Record<string, unknown>).colour = 'red';
        (o.prev as Record<string, unknown>).colour = null;
      },
      'op.unknown_field',
    ],
    ['a negative amount', (o) => ((o.fields as Record<string, unknown>).amount = -5), 'op.invalid'],
    ['a fractional amount', (o) => ((o.fields as Record<string, unknown>).amount = 12.5), 'op.invalid'],
    ['an unknown currency', (o) => ((o.fields as Record<string, unknown>).currency = 'XXX'), 'op.invalid'],
    ['an impossible date', (o) => ((o.fields as Record<string, unknown>).date = '2026-02-30'), 'op.invalid'],
    ['a stamp from another device', (o) => (o.stamp = stamp(0, B)), 'op.invalid'],
    ['a missing prev entry', (o) => (o.prev = {}), 'op.invalid'],
    [
      'a prev newer than the op',
      (o) => ((o.prev as Record<string, unknown>).amount = stamp(99, B)),
      'op.invalid',
    ],
    [
      'no fields',
      (o) => {
        o.fields = {};
        o.prev = {};
      },
      'op.invalid',
    ],
    ['an extra envelope property', (o) => (o.ledger = 'x'), 'op.invalid'],
    ['a non-UUIDv7 row id', (o) => (o.rowId = '2f1b8a52-7c1e-4e8e-9a43-5d2b3f0c9e11'), 'op.invalid'],
    [
      'an oversized note',
      (o) => {
        (o.fields as Record<string, unknown>).note = 'x'.repeat(2001);
        (o.prev as Record<string, unknown>).note = null;
      },
      'op.invalid',
    ],
  ])('%s', (_label, mutate, code) => {
    const input = good();
    mutate(input);
    expect(() => parseOp(input)).toThrow(expect.objectContaining({ code }));
  });

  it('names the offending field in the message', () => {
    const input = good();
    (input.fields as Record<string, unknown>).amount = -5;
    expect(() => parseOp(input)).toThrow(/fields\.amount/);
  });

  it('rejects fields beyond the byte limit with op.too_large', () => {
    const clock = new HybridClock(A, { now: () => T0 });
    const big = buildOp(
      clock,
      'receipts',
      ROW,
      { ocrText: '界'.repeat(6000), imageHash: 'a'.repeat(64) },
      undefined,
    );
    // 6,000 CJK characters pass the field's character limit but are 18,000 UTF-8 bytes.
    expect(() => parseOp(big)).toThrow(expect.objectContaining({ code: 'op.too_large' }));
  });

  it('accepts non-null JSON values only where the field allows them', () => {
    const input = good();
    (input.fields as Record<string, unknown>).categoryId = null;
    (input.prev as Record<string, unknown>).categoryId = null;
    expect(parseOp(input).fields.categoryId).toBeNull();
  });
});
