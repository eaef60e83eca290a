import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeSplitPart,
  decodeSplits,
  ExpenseCreateSchema,
  encodeSplitPart,
  fieldValueChecker,
  SplitPartSchema,
  StoredSplitsSchema,
  splitsProblem,
  uuidv7,
} from '../src/index.js';

/** Split parts: their stored text, and the rules the SDK and every peer check. */
describe('split parts', () => {
  const food = uuidv7();

  it('round-trip through their one canonical text, and nothing else decodes', () => {
    fc.assert(
      fc.property(
        fc.option(fc.constant(food), { nil: null }),
        fc.integer({ min: 1, max: 999_999_999_999_999 }),
        fc.string({ maxLength: 200 }).filter((s) => SplitPartSchema.shape.note.safeParse(s).success),
        (categoryId, amount, note) => {
          const part = { categoryId, amount, note };
          expect(decodeSplitPart(encodeSplitPart(part))).toEqual(part);
        },
      ),
    );
    for (const text of [
      `[ "${food}", 100, "" ]`, // not canonical: spaces
      `["${food}",100]`, // no note
      `["${food}",0,""]`, // not positive
      `["${food}",1.5,""]`, // not whole minor units
      `["not-an-id",100,""]`,
      `{"categoryId":"${food}","amount":100,"note":""}`,
      'not json',
    ]) {
      expect(decodeSplitPart(text)).toBeNull();
    }
    expect(decodeSplits(undefined)).toEqual([]);
  });

  it('are refused by the field check every peer runs unless each part is valid and there are 0 or 2–50', () => {
    const checker = fieldValueChecker('expenses');
    const part = (amount: number) => encodeSplitPart({ categoryId: food, amount, note: '' });
    expect(checker.problem('splits', [])).toBeNull();
    expect(checker.problem('splits', [part(1), part(2)])).toBeNull();
    expect(checker.problem('splits', [part(1)])).toMatchObject({ kind: 'invalid' });
    expect(checker.problem('splits', [part(1), `[ "${food}", 2, "" ]`])).toMatchObject({
      kind: 'invalid',
      message: 'must be a split part [categoryId, amount, note]',
    });
    expect(StoredSplitsSchema.safeParse(Array.from({ length: 51 }, (_, i) => part(i + 1))).success).toBe(
      false,
    );
  });

  it('are taken as objects and stored as text; whether they fit the amount is splitsProblem', () => {
    const parsed = ExpenseCreateSchema.parse({
      amount: 300,
      currency: 'EUR',
      date: '2026-03-01',
      splits: [
        { categoryId: food, amount: 100, note: 'a' },
        { categoryId: null, amount: 200 },
      ],
    });
    expect(parsed.splits).toEqual([`["${food}",100,"a"]`, '[null,200,""]']);
    expect(splitsProblem(300, parsed.splits)).toBeNull();
    expect(splitsProblem(301, parsed.splits)).toMatch(/add up to 300 minor units but the amount is 301/);
    // Not split: nothing to fit.
    expect(splitsProblem(5, [])).toBeNull();
    expect('splits' in ExpenseCreateSchema.parse({ amount: 1, currency: 'EUR', date: '2026-03-01' })).toBe(
      false,
    );
  });
});
