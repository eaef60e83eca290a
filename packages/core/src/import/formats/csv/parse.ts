import { isKakeiboError, KakeiboError } from '../../../errors.js';
import { isCurrencyCode } from '../../../money/currencies.js';
import { guessDecimalMark, readLocaleAmount } from '../../amounts.js';
import { guessDateOrder, readDate } from '../../dates.js';
import { decodeBytes } from '../../encoding.js';
import { currencyFor, type ParseImportOptions } from '../../options.js';
import type { CsvMapping, ImportPreview, ImportTransaction } from '../../preview.js';
import { cleanText } from '../../text.js';
import { Warnings } from '../../warnings.js';
import { mapColumns, profileColumn } from './columns.js';
import { type CsvRow, detectDelimiter, normaliseLineEnds, readRows } from './table.js';

/*
 * CSV -> preview: encoding, delimiter, where the table starts and whether it has a header row, which
 * column is which, the decimal mark and the date order, all detected and each overridable. Rows that
 * are not transactions (preambles, "Total" and balance lines) are skipped with a warning.
 */

const SAMPLE = 500;
const CREDIT_MARKERS = new Set(['cr', 'c', 'bij', 'h', 'credit', '+', 'haben', 'in']);
const DEBIT_MARKERS = new Set(['dr', 'd', 'af', 's', 'debit', '-', 'soll', 'out']);

const hasDateCell = (row: CsvRow) =>
  row.cells.some((c) => readDate(c, 'dmy') !== null || readDate(c, 'mdy') !== null);
const hasNumberCell = (row: CsvRow) =>
  row.cells.some((c) => /^\s*[-+(]?[\d.,\s']*\d[\d.,\s']*\)?\s*$/.test(c));
const looksLikeHeader = (row: CsvRow) =>
  row.cells.filter((c) => /\p{L}/u.test(c)).length >= Math.max(1, row.cells.length / 2) &&
  !hasDateCell(row) &&
  !hasNumberCell(row);

/** The table's width (the most common number of cells) and the index of its header row, if any. */
function findTable(rows: readonly CsvRow[], header: boolean | undefined) {
  const tally = new Map<number, number>();
  for (const row of rows)
    if (row.cells.length >= 2) tally.set(row.cells.length, (tally.get(row.cells.length) ?? 0) + 1);
  let width = 0;
  let most = 0;
  for (const [w, n] of tally) if (n > most || (n === most && w > width)) [width, most] = [w, n];
  const first = rows.findIndex((r) => r.cells.length >= width - 1 && r.cells.length >= 2);
  const start = Math.max(first, 0);
  if (header === false) return { width, start, headerIndex: null };
  // The header is the first full-width row that reads like titles, among the first rows of the table.
  const candidates = rows.slice(start, start + 30);
  const found = candidates.findIndex((r) => r.cells.length >= width - 1 && looksLikeHeader(r));
  const headerIndex = found >= 0 ? start + found : header ? start : null;
  return { width, start: headerIndex ?? start, headerIndex };
}

export function parseCsv(bytes: Uint8Array, options: ParseImportOptions): ImportPreview {
  const decoded = decodeBytes(bytes, options.encoding);
  const text = normaliseLineEnds(decoded.text);
  const warnings = new Warnings();
  const delimiter = options.csv?.delimiter ?? detectDelimiter(text).delimiter;
  const rows = readRows(text, delimiter);
  if (rows.length === 0) throw new KakeiboError('import.unreadable', 'the CSV file has no rows');
  const table = findTable(rows, options.csv?.header);
  if (table.start > 0) {
    const skipped = rows.slice(0, table.start);
    warnings.add(
      skipped[0]?.line ?? null,
      'csv.preamble_skipped',
      `${skipped.length} line${skipped.length === 1 ? '' : 's'} before the table skipped`,
    );
  }
  const headerRow = table.headerIndex === null ? null : rows[table.headerIndex];
  const data = rows.slice(headerRow ? table.start + 1 : table.start);
  const width = Math.max(table.width, headerRow?.cells.length ?? 0);
  const titles = headerRow
    ? headerRow.cells.map((c) => c.trim())
    : Array.from({ length: width }, (_, i) => `column ${i}`);
  const sample = data.slice(0, SAMPLE);
  const profiles = Array.from({ length: width }, (_, c) =>
    profileColumn(sample.map((r) => r.cells[c] ?? '')),
  );
  const mapping = mapColumns(headerRow ? titles : null, profiles, options.csv?.columns);
  const { columns } = mapping;
  if (
    columns.date === undefined ||
    (columns.amount === undefined && columns.debit === undefined && columns.credit === undefined)
  ) {
    throw new KakeiboError(
      'import.csv_mapping',
      `cannot tell which CSV column holds the ${columns.date === undefined ? 'date' : 'amount'}: give the columns (e.g. --columns date=0,amount=3,payee=2; columns count from 0)`,
      { titles },
    );
  }
  const cell = (row: CsvRow, column: number | undefined) =>
    column === undefined ? '' : (row.cells[column] ?? '').trim();
  const moneyCells = sample
    .flatMap((r) => [cell(r, columns.amount), cell(r, columns.debit), cell(r, columns.credit)])
    .filter(Boolean);
  const firstCurrency =
    columns.currency === undefined
      ? undefined
      : sample.map((r) => cell(r, columns.currency).toUpperCase()).find(isCurrencyCode);
  const decimalGuess = guessDecimalMark(moneyCells, firstCurrency ?? options.currency);
  const decimal = options.csv?.decimal ?? decimalGuess.decimal;
  let order = options.dateOrder;
  if (!order) {
    const guess = guessDateOrder(sample.map((r) => cell(r, columns.date)).filter(Boolean));
    order = guess.order;
    if (guess.ambiguous) {
      warnings.add(
        null,
        'csv.dates_ambiguous',
        `every date could be day or month first: read as ${order.toUpperCase()} (override with --date-format)`,
      );
    }
  }
  let fallbackCurrency: string | undefined;
  const currencyOf = (row: CsvRow) => {
    const own = cell(row, columns.currency).toUpperCase();
    if (isCurrencyCode(own)) return own;
    fallbackCurrency ??= currencyFor(null, options, 'CSV file');
    return fallbackCurrency;
  };

  const transactions: ImportTransaction[] = [];
  for (const row of data) {
    const date = readDate(cell(row, columns.date), order);
    if (date === null) {
      const what = row.cells
        .filter((c) => c.trim())
        .slice(0, 2)
        .join(' ')
        .slice(0, 40);
      warnings.add(
        row.line,
        'csv.row_skipped',
        `row skipped: no date in it ("${what}"): a summary or other non-transaction row`,
      );
      continue;
    }
    try {
      const currency = currencyOf(row);
      const read = (column: number | undefined) => readLocaleAmount(cell(row, column), currency, decimal);
      let amount: number | null;
      if (columns.amount !== undefined) {
        amount = read(columns.amount);
        const marker = cell(row, columns.marker).toLowerCase();
        if (amount !== null && CREDIT_MARKERS.has(marker)) amount = Math.abs(amount);
        if (amount !== null && DEBIT_MARKERS.has(marker)) amount = -Math.abs(amount);
      } else {
        const debit = read(columns.debit);
        const credit = read(columns.credit);
        // Banks write both as positive numbers; a signed one still means what its column says.
        amount = debit === null && credit === null ? null : Math.abs(credit ?? 0) - Math.abs(debit ?? 0);
      }
      if (amount === null) {
        warnings.add(row.line, 'csv.row_skipped', 'row skipped: it has a date but no amount');
        continue;
      }
      transactions.push({
        date,
        amount: amount === 0 ? 0 : amount,
        currency,
        payee: cleanText(cell(row, columns.payee)),
        memo: cleanText(cell(row, columns.memo)),
        externalId: cleanText(cell(row, columns.externalId)),
        statement: 0,
        line: row.line,
      });
    } catch (error) {
      if (!isKakeiboError(error) || error.code === 'import.currency_unknown') throw error;
      warnings.add(row.line, 'csv.row_skipped', `row skipped: ${error.message}`);
    }
  }
  const csvMapping: CsvMapping = {
    delimiter,
    header: headerRow !== null,
    decimal,
    dateOrder: order,
    columns,
    titles,
    confidence: mapping.confidence,
    reasons: mapping.reasons,
  };
  const currencies = [...new Set(transactions.map((t) => t.currency))];
  return {
    format: 'csv',
    variant: `CSV (${delimiter === '\t' ? 'tab' : delimiter}-separated${headerRow ? ', header row' : ''})`,
    encoding: decoded.encoding,
    statements: [
      {
        account: null,
        kind: 'bank',
        currency: currencies[0] ?? currencyFor(null, options, 'CSV file'),
        from: null,
        to: null,
      },
    ],
    transactions,
    balances: [],
    warnings: warnings.list,
    mapping: csvMapping,
  };
}
