import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ImportPreviewSchema } from '@kakeibo/core';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-process.js';

/* The real `kakeibo` bin: `import FILE --dry-run` with no server and no profile. */

const FIXTURES = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../../shared/fixtures/import');
const dir = mkdtempSync(join(tmpdir(), 'kakeibo-import-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const previewOf = (args: string[]) => {
  const run = runCli(['import', ...args]);
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return ImportPreviewSchema.parse(JSON.parse(run.stdout));
};

describe('kakeibo import --dry-run', () => {
  it('prints the preview of an OFX file as JSON', () => {
    const preview = previewOf([join(FIXTURES, 'ofx1/ofxdata-cmfr.ofx'), '--dry-run', '--json']);
    expect(preview.format).toBe('ofx');
    expect(preview.transactions).toHaveLength(42);
    expect(preview.transactions[0]).toMatchObject({
      date: '2016-06-01',
      amount: -197878,
      currency: 'EUR',
      externalId: 'LLDT4L5OCF',
    });
    expect(Object.keys(preview.transactions[0] ?? {})).toEqual(
      expect.arrayContaining(['date', 'amount', 'currency', 'payee', 'memo', 'externalId']),
    );
    expect(preview.balances).toContainEqual({
      statement: 0,
      kind: 'closing',
      date: '2016-06-27',
      amount: 1000000,
      currency: 'EUR',
    });
  });

  it('reads CAMT and CSV with the currency and the mapping given on the command line', () => {
    const camt = previewOf([join(FIXTURES, 'camt053/BE68793230773034-202411.xml'), '--dry-run', '--json']);
    expect(camt.transactions.reduce((n, t) => n + t.amount, 0)).toBe(2816875);
    const csv = previewOf([
      join(FIXTURES, 'csv/test_BOI_TransactionExport.csv'),
      '--dry-run',
      '--json',
      '--currency',
      'eur',
      '--date-format',
      'DD/MM/YYYY',
      '--columns',
      'date=0,debit=2,credit=3,payee=1',
    ]);
    expect(csv.transactions).toHaveLength(27);
    expect(csv.transactions.reduce((n, t) => n + t.amount, 0)).toBe(-41961);
    expect(csv.mapping).toMatchObject({ confidence: 'high', dateOrder: 'dmy' });
  });

  it('prints a readable summary without --json: count, dates, sums, the balance check, warnings', () => {
    const run = runCli(['import', join(FIXTURES, 'camt053/camt053.v2.five.decimals.xml'), '--dry-run']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('1 transaction, 2014-12-31 to 2014-12-31');
    expect(run.stdout).toContain('sum: 8.85 EUR');
    expect(run.stdout).toContain('but the closing balance is 27.05 EUR (differs by 0.05 EUR)');
    const qif = runCli(['import', join(FIXTURES, 'qif/quiffen-test.qif'), '--dry-run', '--currency', 'USD']);
    expect(qif.stdout).toContain('6 transactions, 2020-02-10 to 2020-02-14');
    expect(qif.stdout).toMatch(/warnings \(1\):\n {2}line 93: investment transaction \(Buy\) skipped/);
  });

  it('answers bad input with one plain line and a non-zero exit', () => {
    const cases: Array<[string[], RegExp]> = [
      [[join(dir, 'missing.ofx'), '--dry-run'], /^kakeibo: cannot read .*missing\.ofx: no such file\n$/],
      [
        [join(FIXTURES, 'qif/cbb-export.qif'), '--dry-run'],
        /^kakeibo: the QIF file does not say its currency: give the account's currency/,
      ],
      [
        [join(FIXTURES, 'qif/cbb-export.qif'), '--dry-run', '--currency', 'XYZ'],
        /^kakeibo: invalid --currency: /,
      ],
      [
        [join(FIXTURES, 'qif/cbb-export.qif'), '--dry-run', '--columns', 'when=0'],
        /^kakeibo: invalid --columns: /,
      ],
      [
        [join(FIXTURES, 'qif/cbb-export.qif')],
        /^kakeibo: only `kakeibo import FILE --dry-run` is available yet/,
      ],
      [['--dry-run'], /^kakeibo: usage: kakeibo import FILE --dry-run/],
    ];
    const unknown = join(dir, 'picture.png');
    writeFileSync(unknown, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]));
    cases.push([[unknown, '--dry-run'], /^kakeibo: not a bank file we can read/]);
    for (const [args, message] of cases) {
      const run = runCli(['import', ...args]);
      expect(run.status, args.join(' ')).not.toBe(0);
      expect(run.stderr).toMatch(message);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stdout).toBe('');
    }
  });

  it('is in the help', () => {
    expect(runCli(['help']).stdout).toContain('kakeibo import FILE --dry-run [--json]');
  });
});
