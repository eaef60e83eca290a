import { describe, expect, it } from 'vitest';
import { ImportPreviewSchema, parseImport, summarisePreview } from '../src/import/index.js';
import { FACTS } from './support/import-facts.js';
import { fixtureBytes, fixtureNames } from './support/import-fixtures.js';

/*
 * Every shared fixture parses to exactly the facts its SOURCES.md entry states (read by hand there):
 * count, first and last dates in file order, earliest and latest, signed sum, currency, balances, and
 * the details each entry names.
 */

describe('shared import fixtures', () => {
  it('has facts for every fixture file (a new fixture cannot go untested)', () => {
    const names = fixtureNames().filter((n) => !n.endsWith('.md'));
    expect(names.sort()).toEqual(Object.keys(FACTS).sort());
  });

  for (const [name, facts] of Object.entries(FACTS)) {
    it(`${name} parses to the facts in SOURCES.md`, () => {
      const preview = parseImport(fixtureBytes(name), facts.options);
      expect(ImportPreviewSchema.parse(preview)).toEqual(preview);
      expect(preview.format).toBe(facts.format);
      const t = preview.transactions;
      expect(t).toHaveLength(facts.count);
      expect(t.reduce((n, x) => n + x.amount, 0)).toBe(facts.sum);
      if (facts.first) expect(t[0]?.date).toBe(facts.first);
      if (facts.last) expect(t[t.length - 1]?.date).toBe(facts.last);
      const summary = summarisePreview(preview);
      if (facts.earliest) expect(summary.from).toBe(facts.earliest);
      if (facts.latest) expect(summary.to).toBe(facts.latest);
      if (facts.currency) expect(new Set(t.map((x) => x.currency))).toEqual(new Set([facts.currency]));
      if (facts.balances) {
        expect(
          preview.balances.map((b) => ({
            kind: b.kind,
            amount: b.amount,
            ...(facts.balances?.some((f) => f.currency) ? { currency: b.currency } : {}),
          })),
        ).toEqual(facts.balances);
      }
      for (const x of t) expect(x.line).toBeGreaterThan(0);
      facts.more?.(preview);
    });
  }
});
