import { describe, expect, it } from 'vitest';
import {
  type ExistingEntry,
  findDuplicates,
  type ImportTransaction,
  parseImport,
  payeeSimilarity,
  suggestCategory,
} from '../src/import/index.js';
import { fixtureBytes } from './support/import-fixtures.js';

/* Duplicate detection on re-imports and overlapping statements, and category suggestions from payees. */

const cmfr = () => parseImport(fixtureBytes('ofx1/ofxdata-cmfr.ofx')).transactions;
const boi = () =>
  parseImport(fixtureBytes('csv/test_BOI_TransactionExport.csv'), { currency: 'EUR' }).transactions;
const bunq = () =>
  parseImport(fixtureBytes('csv/2019-03-02_11-50-46_bunq-statement.csv'), { currency: 'EUR' }).transactions;
const belgian = () => parseImport(fixtureBytes('camt053/BE68793230773034-202411.xml')).transactions;

/** What an account holds after importing `rows` (its entries keep the bank's ids). */
const asEntries = (rows: readonly ImportTransaction[], prefix = 'e', keepIds = true): ExistingEntry[] =>
  rows.map((t, i) => ({
    id: `${prefix}${i}`,
    date: t.date,
    amount: t.amount,
    currency: t.currency,
    payee: t.payee,
    externalId: keepIds ? t.externalId : null,
  }));

const statuses = (decisions: ReturnType<typeof findDuplicates>) => decisions.map((d) => d.status);

describe('findDuplicates', () => {
  it('finds every row of a file imported twice, by bank id when there is one and one-to-one', () => {
    for (const rows of [cmfr(), belgian(), boi(), bunq()]) {
      const decisions = findDuplicates(rows, asEntries(rows));
      expect(statuses(decisions).every((s) => s === 'duplicate')).toBe(true);
      expect(new Set(decisions.map((d) => d.entryId)).size).toBe(rows.length);
      // Each row is matched to the entry it became, not to a look-alike.
      expect(decisions.map((d) => d.entryId)).toEqual(rows.map((_, i) => `e${i}`));
    }
    expect(findDuplicates(cmfr(), asEntries(cmfr())).every((d) => d.reason === 'external-id')).toBe(true);
    expect(findDuplicates(boi(), asEntries(boi())).every((d) => d.reason === 'similar')).toBe(true);
  });

  it('adds only what is new from an overlapping statement', () => {
    const camt = belgian();
    const earlier = camt.filter((t) => t.date <= '2024-11-15');
    const decisions = findDuplicates(camt, asEntries(earlier));
    const fresh = decisions.filter((d) => d.status === 'new').map((d) => camt[d.index]);
    expect(fresh).toHaveLength(camt.length - earlier.length);
    expect(fresh.every((t) => (t?.date ?? '') > '2024-11-15')).toBe(true);

    const csv = boi();
    const first = csv.slice(0, 15);
    const again = findDuplicates(csv, asEntries(first));
    expect(statuses(again)).toEqual(csv.map((_, i) => (i < 15 ? 'duplicate' : 'new')));
  });

  it('keeps the same-day, same-amount pairs of one file apart (ofxdata-cmfr.ofx)', () => {
    const rows = cmfr();
    const pairs = rows.filter(
      (t) => t.date === '2016-06-01' && (t.amount === -400000 || t.amount === -180000),
    );
    expect(pairs).toHaveLength(4);
    // Typed in by hand earlier: no bank ids, the same payee. Each row still finds its own entry.
    const decisions = findDuplicates(rows, asEntries(rows, 'm', false));
    expect(new Set(decisions.map((d) => d.entryId)).size).toBe(42);
    // Only one of each pair was entered: the other is new, not folded into it.
    const one = [
      rows.find((t) => t.amount === -400000),
      rows.find((t) => t.amount === -180000),
    ] as ImportTransaction[];
    const partial = findDuplicates(pairs, asEntries(one, 'm', false));
    expect(statuses(partial).sort()).toEqual(['duplicate', 'duplicate', 'new', 'new']);
    // Nothing in the account: nothing in the file is a duplicate of anything else in it.
    expect(statuses(findDuplicates(rows, [])).every((s) => s === 'new')).toBe(true);
  });

  it('never matches rows whose bank ids differ, and does not trust an id the file repeats', () => {
    const row = { date: '2024-01-05', amount: -1000, currency: 'EUR', payee: 'REWE', externalId: 'B' };
    const entry: ExistingEntry = {
      id: 'x',
      date: '2024-01-05',
      amount: -1000,
      currency: 'EUR',
      payee: 'REWE',
      externalId: 'A',
    };
    expect(findDuplicates([row], [entry])[0]?.status).toBe('new');
    expect(findDuplicates([row], [{ ...entry, externalId: null }])[0]).toMatchObject({
      status: 'duplicate',
      reason: 'similar',
    });
    // The same id twice in one file tells nothing apart: the second row is not a duplicate of the first's entry.
    const twice = [
      { ...row, externalId: 'R' },
      { ...row, externalId: 'R', payee: 'Other shop' },
    ];
    const decisions = findDuplicates(twice, [{ ...entry, externalId: 'R' }]);
    expect(statuses(decisions)).toEqual(['duplicate', 'new']);
    expect(decisions[0]?.reason).toBe('similar');
  });

  it('needs the same amount, a few days at most and a similar payee', () => {
    const entry: ExistingEntry = {
      id: 'x',
      date: '2024-01-05',
      amount: -1000,
      payee: 'NETFLIX.COM',
      externalId: null,
    };
    const row = (over: Partial<ImportTransaction>) => ({
      date: '2024-01-07',
      amount: -1000,
      currency: 'EUR',
      payee: 'Netflix',
      externalId: null,
      ...over,
    });
    expect(findDuplicates([row({})], [entry])[0]).toMatchObject({
      status: 'duplicate',
      why: expect.stringContaining('2 days apart'),
    });
    expect(findDuplicates([row({ amount: -1001 })], [entry])[0]?.status).toBe('new');
    expect(findDuplicates([row({ date: '2024-01-12' })], [entry])[0]?.status).toBe('new');
    expect(findDuplicates([row({ payee: 'Spotify' })], [entry])[0]?.status).toBe('new');
    expect(findDuplicates([row({ currency: 'USD' })], [{ ...entry, currency: 'EUR' }])[0]?.status).toBe(
      'new',
    );
    // The closest entry wins whatever order they come in.
    const near = { ...entry, id: 'near', date: '2024-01-07' };
    expect(findDuplicates([row({})], [entry, near])[0]?.entryId).toBe('near');
  });
});

describe('payees', () => {
  it('compares payees by their words', () => {
    expect(payeeSimilarity('REWE', 'Kartenzahlung REWE SAGT DANKE. 41400673//Hamburg')).toBe(1);
    expect(payeeSimilarity("MCDONALD'S #112", 'McDonalds 7')).toBe(1);
    expect(payeeSimilarity('Netflix', 'Spotify')).toBe(0);
    expect(payeeSimilarity(null, null)).toBe(0);
  });

  it('suggests the category given most often to the same payee, then to a similar one', () => {
    const history = [
      { payee: 'REWE Markt', categoryId: 'groceries', date: '2024-01-01' },
      { payee: 'rewe markt', categoryId: 'groceries', date: '2024-01-08' },
      { payee: 'REWE MARKT', categoryId: 'household', date: '2024-02-01' },
      { payee: 'Shell 123', categoryId: 'fuel', date: '2024-02-01' },
      { payee: 'Shell 456', categoryId: 'snacks', date: '2024-03-01' },
    ];
    expect(suggestCategory('REWE MARKT', history)).toEqual({
      categoryId: 'groceries',
      basis: 'same',
      count: 2,
    });
    // A tie goes to the most recent.
    expect(suggestCategory('SHELL', history)).toEqual({ categoryId: 'snacks', basis: 'same', count: 1 });
    expect(suggestCategory('Kartenzahlung REWE MARKT Hamburg', history)).toMatchObject({
      categoryId: 'groceries',
      basis: 'similar',
    });
    expect(suggestCategory('Unknown shop', history)).toBeNull();
    expect(suggestCategory(null, history)).toBeNull();
  });
});
