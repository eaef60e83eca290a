import { expect } from 'vitest';
import { type ImportPreview, type ParseImportOptions, summarisePreview } from '../../src/import/index.js';

/*
 * The facts SOURCES.md states for each shared import fixture (read there by hand), in minor units:
 * count, first and last in file order, earliest and latest, signed sum, currency, balances, and the
 * details each entry names.
 */

export interface Facts {
  options?: ParseImportOptions;
  format: ImportPreview['format'];
  count: number;
  first?: string;
  last?: string;
  earliest?: string;
  latest?: string;
  sum: number;
  currency?: string;
  balances?: Array<{ kind: string; amount: number; currency?: string }>;
  more?: (p: ImportPreview) => void;
}

const amounts = (p: ImportPreview) => p.transactions.map((t) => t.amount);

export const FACTS: Record<string, Facts> = {
  'ofx1/checking.ofx': {
    format: 'ofx',
    count: 3,
    first: '2011-03-31',
    last: '2011-04-07',
    sum: -5950,
    currency: 'USD',
    balances: [
      { kind: 'closing', amount: 10099 },
      { kind: 'available', amount: 7599 },
    ],
    more: (p) => {
      expect(amounts(p)).toEqual([1, -3451, -2500]);
      expect(p.transactions.map((t) => t.externalId)).toEqual(['0000486', '0000487', '0000488']);
      expect(p.transactions[2]?.reference).toBe('319');
      expect(p.transactions[2]?.memo).toContain('$45.33');
      expect(p.transactions[0]?.memo).toContain('%');
      expect(p.encoding).toBe('windows-1252');
    },
  },
  'ofx1/bank_medium.ofx': {
    format: 'ofx',
    count: 3,
    first: '2009-04-01',
    last: '2009-04-03',
    sum: -34527,
    currency: 'CAD',
    balances: [
      { kind: 'closing', amount: 38234 },
      { kind: 'available', amount: 68234 },
    ],
    more: (p) => {
      expect(amounts(p)).toEqual([-660, -31667, -2200]);
      expect(p.transactions[1]?.payee).toBe("Joe's Bald Hairstyles");
    },
  },
  'ofx1/ofxdata-cmfr.ofx': {
    format: 'ofx',
    count: 42,
    first: '2016-06-01',
    last: '2016-06-27',
    sum: -1349159,
    currency: 'EUR',
    balances: [
      { kind: 'closing', amount: 1000000 },
      { kind: 'available', amount: 0 },
    ],
    more: (p) => {
      const dates = p.transactions.map((t) => t.date);
      expect(dates).toEqual([...dates].sort());
      const june1 = p.transactions.filter((t) => t.date === '2016-06-01');
      expect(june1.filter((t) => t.amount === -400000)).toHaveLength(2);
      expect(june1.filter((t) => t.amount === -180000)).toHaveLength(2);
      const ids = p.transactions.map((t) => t.externalId);
      expect(new Set(ids).size).toBe(42);
      expect(ids).toContain('LLDT4L5OC@');
      expect(ids).toContain('LL4YOBX%CF');
      expect(ids).toContain('LL4YOB%$CF');
    },
  },
  'ofx1/vanguard-investment.ofx': {
    format: 'ofx',
    count: 0,
    sum: 0,
    balances: [],
    more: (p) => {
      expect(p.statements).toEqual([
        expect.objectContaining({ kind: 'investment', currency: 'USD', account: '01234567890' }),
      ]);
      const skipped = p.warnings.filter((w) => w.code === 'ofx.investment_skipped').map((w) => w.message);
      // The one trade (SELLMF on 2011-07-15, -42.123 units, 4212.3 in cash), 2 positions, 2 securities.
      expect(skipped).toEqual([
        expect.stringMatching(/SELLMF of 2011-07-15, units -42\.123, total 4212\.3 USD/),
        '2 investment positions skipped',
        '2 securities (SECLIST) skipped',
      ]);
    },
  },
  'ofx1/data-multi-decimal.ofx': {
    format: 'ofx',
    count: 2,
    first: '2019-01-23',
    last: '2019-01-23',
    sum: -3377,
    currency: 'USD',
    balances: [],
    more: (p) => expect(amounts(p)).toEqual([-3000, -377]),
  },
  'ofx2/ofxdata-xml.ofx': {
    format: 'ofx',
    count: 3,
    first: '2007-03-15',
    last: '2007-07-09',
    sum: 25000,
    currency: 'USD',
    balances: [
      { kind: 'closing', amount: 525000 },
      { kind: 'available', amount: 525000 },
    ],
    more: (p) => {
      expect(amounts(p)).toEqual([20000, 15000, -10000]);
      expect(p.variant).toBe('OFX 2.00 (XML)');
      expect(p.transactions[2]?.reference).toBe('1025');
    },
  },
  'ofx2/suncorp.ofx': {
    format: 'ofx',
    count: 1,
    first: '2013-12-15',
    last: '2013-12-15',
    sum: -1685,
    currency: 'AUD',
    balances: [
      { kind: 'closing', amount: 123412 },
      { kind: 'available', amount: 123412 },
    ],
    more: (p) => {
      // The CDATA is read verbatim ("...ALDI STORE  "); the preview trims the payee as it does every text.
      expect(p.transactions[0]?.payee).toBe('EFTPOS WDL HANDYWAY ALDI STORE');
      expect(p.transactions[0]?.memo).toBe('EFTPOS WDL HANDYWAY ALDI STORE   GEELONG WEST VICAU');
      expect(p.transactions[0]?.reference).toBe('0');
    },
  },
  'qfx/8859-1.qfx': {
    format: 'ofx',
    count: 1,
    first: '2022-10-19',
    last: '2022-10-19',
    sum: -2000,
    currency: 'CAD',
    balances: [
      { kind: 'closing', amount: 999999 },
      { kind: 'available', amount: 999999 },
    ],
    more: (p) => {
      expect(p.transactions[0]).toMatchObject({
        payee: 'Paiement facture/Carte prépayée',
        memo: 'PWW',
        externalId: 'wSoKuCS77',
      });
      expect(p.variant).toMatch(/^QFX/);
    },
  },
  'qif/cbb-export.qif': {
    options: { currency: 'USD' },
    format: 'qif',
    count: 9,
    first: '1997-10-11',
    earliest: '1997-06-23',
    latest: '1997-11-24',
    sum: -50759,
    currency: 'USD',
    balances: [],
    more: (p) => {
      const bofa = p.transactions.find((t) => t.payee === 'BofA');
      expect(bofa?.amount).toBe(-9805);
      expect(bofa?.splits?.map((s) => s.amount)).toEqual([-5330, -4475]);
      const deposit = p.transactions.find((t) => t.payee === 'Deposit');
      expect(deposit?.amount).toBe(19342);
      expect(deposit?.splits?.map((s) => s.amount)).toEqual([14300, 5042]);
      expect(p.transactions.some((t) => t.payee === 'AT&T/063')).toBe(true);
      expect(p.transactions[0]?.reference).toBe('277');
      expect(p.warnings).toEqual([]);
    },
  },
  'qif/quiffen-test.qif': {
    options: { currency: 'USD' },
    format: 'qif',
    count: 6,
    first: '2020-02-10',
    earliest: '2020-02-10',
    latest: '2020-02-14',
    sum: -3550,
    balances: [],
    more: (p) => {
      expect(amounts(p)).toEqual([0, 6750, 3200, -1000, -2500, -10000]);
      expect(p.transactions[0]).toMatchObject({ payee: 'Opening Balance', category: '[TestExport]' });
      const splits = p.transactions.filter((t) => t.splits).map((t) => t.splits?.map((s) => s.amount));
      expect(splits).toEqual([
        [-1500, 8250],
        [-500, -500],
        [-5000, -2500, -1000, -1500],
      ]);
      // The split with its own D line keeps the transaction's date.
      expect(p.transactions[5]?.date).toBe('2020-02-10');
      expect(p.warnings.map((w) => w.code)).toEqual(['qif.investment_skipped']);
      expect(p.warnings[0]?.message).toContain('Buy');
    },
  },
  'csv/20180226-1000594757-umsatz.CSV': {
    format: 'csv',
    count: 1,
    first: '2018-02-22',
    last: '2018-02-22',
    sum: -3699,
    currency: 'EUR',
    more: (p) => {
      expect(p.transactions[0]?.payee).toBe('Vodafone Kabel DeutschlandGmbH');
      expect(p.transactions[0]?.memo).toMatch(/EREF\+.*MREF\+.*CRED\+.*SVWZ\+/);
      expect(p.mapping).toMatchObject({
        delimiter: ';',
        header: true,
        decimal: ',',
        dateOrder: 'dmy',
        confidence: 'high',
      });
      expect(p.warnings).toEqual([]);
    },
  },
  'csv/Umsaetze_KtoNr538917600_EUR_02-03-2018_1503.CSV': {
    format: 'csv',
    count: 1,
    first: '2018-03-02',
    last: '2018-03-02',
    sum: -1722,
    currency: 'EUR',
    more: (p) => {
      expect(p.transactions[0]?.payee).toContain('REWE SAGT DANKE');
      expect(p.mapping?.titles).toContain('Währung');
      expect(p.mapping?.columns.currency).toBe(5);
    },
  },
  'csv/2019-03-02_11-50-46_bunq-statement.csv': {
    options: { currency: 'EUR' },
    format: 'csv',
    count: 7,
    first: '2018-12-06',
    earliest: '2018-12-06',
    latest: '2018-12-17',
    sum: -2382,
    currency: 'EUR',
    more: (p) => {
      expect(amounts(p)).toEqual([-878, -708, 878, -876, 708, -707, -799]);
      expect(p.transactions[0]?.payee).toBe('CLOUDFLARE');
      expect(p.mapping?.decimal).toBe(',');
    },
  },
  'csv/test_BOI_TransactionExport.csv': {
    options: { currency: 'EUR' },
    format: 'csv',
    count: 27,
    first: '2017-09-01',
    last: '2017-09-28',
    sum: -41961,
    currency: 'EUR',
    more: (p) => {
      const debits = p.transactions.filter((t) => t.amount < 0);
      const credits = p.transactions.filter((t) => t.amount > 0);
      expect(debits).toHaveLength(21);
      expect(debits.reduce((n, t) => n + t.amount, 0)).toBe(-426083);
      expect(credits).toHaveLength(6);
      expect(credits.reduce((n, t) => n + t.amount, 0)).toBe(384122);
      expect(p.transactions[1]?.payee).toMatch(/^Éáú üüüümlaut!/);
      expect(p.mapping?.columns).toMatchObject({ date: 0, debit: 2, credit: 3, payee: 1 });
    },
  },
  'camt053/camt.053.payee-memo.xml': {
    format: 'camt',
    count: 4,
    first: '2019-01-23',
    last: '2019-01-23',
    sum: -10000,
    currency: 'EUR',
    balances: [],
    more: (p) => {
      expect(amounts(p)).toEqual([-1000, -2000, -3000, -4000]);
      expect(p.transactions.map((t) => [t.payee, t.memo])).toEqual([
        ['Payee Name', 'Note Text'],
        ['Payee Name Only', null],
        [null, 'Note Only Text'],
        [null, null],
      ]);
      expect(p.statements[0]?.account).toBe('DE14740618130000033626');
      expect(p.transactions[0]?.externalId).toBe('test-payee-and-notes');
    },
  },
  'camt053/camt053.v4.xml': {
    format: 'camt',
    count: 1,
    first: '2014-12-31',
    last: '2014-12-31',
    sum: 885,
    currency: 'EUR',
    balances: [
      { kind: 'opening', amount: 1815, currency: 'EUR' },
      { kind: 'closing', amount: -2700, currency: 'SEK' },
      { kind: 'available', amount: -2700, currency: 'JPY' },
    ],
    more: (p) => {
      expect(p.variant).toBe('camt.053.001.04');
      expect(p.statements[0]?.account).toBe('NL26VAYB8060476890');
    },
  },
  'camt053/camt053.v8.xml': {
    format: 'camt',
    count: 1,
    first: '2014-12-31',
    last: '2014-12-31',
    sum: 885,
    currency: 'EUR',
    more: (p) => expect(p.variant).toBe('camt.053.001.08'),
  },
  'camt053/camt053.v2.five.decimals.xml': {
    format: 'camt',
    count: 1,
    first: '2014-12-31',
    last: '2014-12-31',
    sum: 885,
    currency: 'EUR',
    balances: [
      { kind: 'opening', amount: 1815 },
      { kind: 'closing', amount: 2705 },
    ],
    more: (p) => {
      // The sample's balances do not reconcile (18.15 + 8.85 = 27.00, not 27.05), and the check says so.
      expect(summarisePreview(p).statements[0]).toMatchObject({
        expectedClosing: 2700,
        closing: 2705,
        matches: false,
      });
    },
  },
  'camt053/BE68793230773034-202411.xml': {
    format: 'camt',
    count: 268,
    first: '2024-11-29',
    earliest: '2024-11-01',
    latest: '2024-11-29',
    sum: 2816875,
    currency: 'EUR',
    balances: [
      { kind: 'opening', amount: 5937037 },
      { kind: 'closing', amount: 8753912 },
    ],
    more: (p) => {
      expect(p.transactions.filter((t) => t.amount > 0)).toHaveLength(4);
      expect(p.transactions.filter((t) => t.amount < 0)).toHaveLength(264);
      expect(summarisePreview(p).statements[0]?.matches).toBe(true);
      expect(new Set(p.transactions.map((t) => t.externalId)).size).toBe(268);
      expect(p.transactions.every((t) => t.externalId !== null)).toBe(true);
      const keys = p.transactions.map((t) => `${t.date} ${t.amount}`);
      expect(keys.length - new Set(keys).size).toBe(3);
    },
  },
};
