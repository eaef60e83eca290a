import { isKakeiboError } from '../../../errors.js';
import { type DecimalMark, guessDecimalMark, readLocaleAmount } from '../../amounts.js';
import { type DateOrder, guessDateOrder, readDate } from '../../dates.js';
import { decodeBytes } from '../../encoding.js';
import { currencyFor, type ParseImportOptions } from '../../options.js';
import type { ImportPreview, ImportStatement, ImportTransaction } from '../../preview.js';
import { cleanText } from '../../text.js';
import { Warnings } from '../../warnings.js';
import { type QifField, type QifRecord, readQifRecords } from './records.js';

/*
 * QIF -> preview, with our own reader (no npm QIF parser survives real files): several !Account blocks
 * (each its own statement), !Option:AutoSwitch account lists, !Option:MDY/DMY, splits, and Quicken's
 * apostrophe years ("1/5'03" is 2003). Investment and memorised transactions are not ledger entries
 * and are skipped with a warning; category, class and security lists are read past.
 */

const KINDS: Record<string, ImportStatement['kind']> = {
  bank: 'bank',
  cash: 'cash',
  ccard: 'creditcard',
  'oth a': 'other',
  'oth l': 'other',
  invoice: 'other',
};
const LISTS = new Set(['cat', 'class', 'security', 'prices', 'budget', 'tag', 'payee', 'template']);

const sectionType = (section: string) =>
  section
    .replace(/^type\s*:\s*/i, '')
    .trim()
    .toLowerCase();

/** "2/10'2020", "1/ 5'03", "10/11/97", "2020-02-10" -> text readDate reads (apostrophe years are 20xx). */
export function normaliseQifDate(raw: string): string {
  const text = raw.replace(/\s+/g, '');
  const apostrophe = /^(\d{1,2})[/.-](\d{1,2})'(\d{1,4})$/.exec(text);
  if (apostrophe) {
    const year = (apostrophe[3] ?? '').length <= 2 ? 2000 + Number(apostrophe[3]) : Number(apostrophe[3]);
    return `${apostrophe[1]}/${apostrophe[2]}/${year}`;
  }
  return text;
}

interface Reading {
  order: DateOrder;
  decimal: DecimalMark;
  currency: string;
}

interface Split {
  category: string | null;
  memo: string | null;
  amountText: string | null;
}

function readTransaction(
  record: QifRecord,
  statement: number,
  reading: Reading,
  warnings: Warnings,
): ImportTransaction | null {
  let date: QifField | null = null;
  let amountText: string | null = null;
  let alternative: string | null = null;
  const text: Record<string, string | null> = {};
  const splits: Split[] = [];
  const split = () => splits[splits.length - 1];
  for (const field of record.fields) {
    switch (field.code) {
      case 'D':
        // A D line inside a split is the split's own date; the transaction keeps its first.
        if (date === null && splits.length === 0) date = field;
        break;
      case 'T':
        amountText = field.value;
        break;
      case 'U':
        alternative = field.value;
        break;
      case 'S':
        splits.push({ category: cleanText(field.value), memo: null, amountText: null });
        break;
      case 'E':
      case '$': {
        if (!split() || (field.code === 'E' ? split()?.memo : split()?.amountText)) {
          splits.push({ category: null, memo: null, amountText: null });
        }
        const current = split() as Split;
        if (field.code === 'E') current.memo = cleanText(field.value);
        else current.amountText = field.value;
        break;
      }
      default:
        text[field.code] ??= field.value;
    }
  }
  const rawAmount = amountText ?? alternative;
  const isoDate = date ? readDate(normaliseQifDate(date.value), reading.order) : null;
  if (!date || !isoDate || rawAmount === null) {
    const why = !date
      ? 'no D (date) line'
      : !isoDate
        ? `unreadable date "${date.value}"`
        : 'no T (amount) line';
    warnings.add(record.line, 'qif.transaction_skipped', `transaction skipped: ${why}`);
    return null;
  }
  const amount = (value: string) => readLocaleAmount(value, reading.currency, reading.decimal) ?? 0;
  const total = amount(rawAmount);
  const parts = splits.map((s) => ({
    amount: s.amountText === null ? 0 : amount(s.amountText),
    category: s.category,
    memo: s.memo,
  }));
  const partsSum = parts.reduce((sum, p) => sum + p.amount, 0);
  if (parts.length && partsSum !== total) {
    warnings.add(
      record.line,
      'qif.split_mismatch',
      `split parts add up to ${partsSum} minor units, the transaction to ${total}`,
    );
  }
  return {
    date: isoDate,
    amount: total,
    currency: reading.currency,
    payee: cleanText(text.P),
    memo: cleanText(text.M),
    externalId: null,
    statement,
    line: record.line,
    category: cleanText(text.L),
    reference: cleanText(text.N),
    ...(parts.length ? { splits: parts } : {}),
  };
}

export function parseQif(bytes: Uint8Array, options: ParseImportOptions): ImportPreview {
  const decoded = decodeBytes(bytes, options.encoding);
  const warnings = new Warnings();
  const doc = readQifRecords(decoded.text, warnings);
  const valuesOf = (codes: string) =>
    doc.records
      .filter((r) => KINDS[sectionType(r.section)])
      .flatMap((r) => r.fields.filter((f) => codes.includes(f.code)).map((f) => f.value));
  const currency = currencyFor(null, options, 'QIF file');
  let order = options.dateOrder ?? doc.dateOption;
  if (!order) {
    // Quicken, where QIF comes from, writes month first: that is the fallback when nothing tells.
    const guess = guessDateOrder(valuesOf('D').map(normaliseQifDate), 'mdy');
    order = guess.order;
    if (guess.ambiguous) {
      warnings.add(
        null,
        'qif.dates_ambiguous',
        `every date could be day or month first: read as ${order.toUpperCase()} (override with the date format option)`,
      );
    }
  }
  const reading: Reading = { order, decimal: guessDecimalMark(valuesOf('TU$'), currency).decimal, currency };

  const statements: ImportStatement[] = [];
  const statementIndex = new Map<string, number>();
  let account: { name: string | null; type: string | null } = { name: null, type: null };
  const transactions: ImportTransaction[] = [];
  const warnedSections = new Set<string>();
  for (const record of doc.records) {
    const type = sectionType(record.section);
    if (type === 'account') {
      // Outside AutoSwitch, an !Account record says which account the following transactions are in.
      if (!record.autoSwitch) {
        const field = (code: string) => cleanText(record.fields.find((f) => f.code === code)?.value);
        account = { name: field('N'), type: field('T') };
      }
      continue;
    }
    const kind = KINDS[type];
    if (kind) {
      const key = `${account.name ?? ''}\u0000${type}`;
      let index = statementIndex.get(key);
      if (index === undefined) {
        index = statements.length;
        statementIndex.set(key, index);
        statements.push({ account: account.name, kind, currency, from: null, to: null });
      }
      try {
        const transaction = readTransaction(record, index, reading, warnings);
        if (transaction) transactions.push(transaction);
      } catch (error) {
        if (!isKakeiboError(error)) throw error;
        warnings.add(record.line, 'qif.transaction_skipped', `transaction skipped: ${error.message}`);
      }
    } else if (type === 'invst') {
      const action = record.fields.find((f) => f.code === 'N')?.value;
      warnings.add(
        record.line,
        'qif.investment_skipped',
        `investment transaction${action ? ` (${action})` : ''} skipped: only cash accounts are imported`,
      );
    } else if (type.startsWith('memori')) {
      warnings.add(
        record.line,
        'qif.memorised_skipped',
        'memorised transaction skipped (a template, not an entry)',
      );
    } else if (!LISTS.has(type) && !warnedSections.has(type)) {
      warnedSections.add(type);
      warnings.add(
        record.line,
        'qif.section_skipped',
        `section !${record.section} is not one we read: skipped`,
      );
    }
  }
  return {
    format: 'qif',
    variant: doc.dateOption ? `QIF (!Option:${doc.dateOption.toUpperCase()})` : 'QIF',
    encoding: decoded.encoding,
    statements,
    transactions,
    balances: [],
    warnings: warnings.list,
  };
}
