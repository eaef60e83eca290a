import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { categoryIdOf, packRow, type RowState, sortDateOf, unpackRow } from '../src/sync/index.js';

const stampArb = fc.constantFrom(
  '019ab4a26f1e-0000-3f9c0e1d2b4a5968',
  '019ab4a26f1e-0001-3f9c0e1d2b4a5968',
  '019ab4a27000-0000-0000000000000001',
);
const valueArb = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 3 }),
);

describe('packed rows', () => {
  it('round-trip every row exactly, each stamp stored once', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          // Field names come from the table schemas; "__proto__" is none of them (parseOp and
          // checkPackedRow refuse it) and would set a plain object's prototype instead of a field.
          fc.string({ minLength: 1, maxLength: 12 }).filter((name) => name !== '__proto__'),
          fc.record({ value: valueArb, stamp: stampArb }),
        ),
        (row) => {
          const packed = packRow(row as RowState);
          expect(unpackRow(packed)).toEqual(row);
          const [s, ...entries] = JSON.parse(packed) as [string[], ...unknown[]];
          expect(new Set(s).size).toBe(s.length);
          // One flat list: [stamps, field, value, stamp index, …].
          expect(entries).toHaveLength(3 * Object.keys(row).length);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('derive the listing date and category', () => {
    const stamp = '019ab4a26f1e-0000-3f9c0e1d2b4a5968';
    expect(sortDateOf({ date: { value: '2026-11-02', stamp } })).toBe('2026-11-02');
    expect(sortDateOf({ purchaseDate: { value: '2025-01-01', stamp } })).toBe('2025-01-01');
    expect(
      sortDateOf({ purchaseDate: { value: null, stamp }, startDate: { value: '2024-02-29', stamp } }),
    ).toBe('2024-02-29');
    expect(sortDateOf({ name: { value: 'x', stamp } })).toBe('');
    expect(categoryIdOf({ categoryId: { value: null, stamp } })).toBeNull();
    expect(categoryIdOf({ categoryId: { value: 'c', stamp } })).toBe('c');
  });
});
