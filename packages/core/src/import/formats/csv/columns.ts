import { isCurrencyCode } from '../../../money/currencies.js';
import { readDate } from '../../dates.js';
import { CSV_ROLES, type CsvColumns, type CsvRole } from '../../options.js';
import { KEYWORDS, keywordScore, normaliseTitle, type TitleRole } from './keywords.js';

/*
 * Which column is which: the titles first (keywords in many languages), each checked against the
 * column's content, and the content alone where there are no titles or they say nothing. The
 * confidence says which of those it was.
 */

export type Confidence = 'high' | 'medium' | 'low';

export interface ColumnMapping {
  columns: CsvColumns;
  confidence: Confidence;
  reasons: string[];
}

const MARKERS = new Set([
  'cr',
  'dr',
  'c',
  'd',
  'af',
  'bij',
  's',
  'h',
  'debit',
  'credit',
  '+',
  '-',
  'soll',
  'haben',
  'in',
  'out',
]);
const AMOUNT_LIKE =
  /^[\s(+\-\u2212▲△]*[\p{Sc}\p{L}]{0,4}\.?\s*[+\-\u2212]?\s*\d[\d.,'\u2019\s\u00a0\u202f]*\s*[\p{Sc}\p{L}]{0,4}\.?\s*[)\-+]?$/u;

/** What a column's cells look like, over the sampled rows. */
export interface ColumnProfile {
  filled: number;
  dates: number;
  amounts: number;
  /** Amounts with a decimal mark or a sign: an id or account number has neither. */
  moneyLike: number;
  currencies: number;
  markers: number;
  distinct: number;
  averageLength: number;
}

export function profileColumn(cells: readonly string[]): ColumnProfile {
  const values = cells.map((c) => c.normalize('NFKC').trim()).filter((c) => c !== '');
  const count = (test: (v: string) => boolean) => values.filter(test).length;
  return {
    filled: values.length,
    dates: count((v) => readDate(v, 'dmy') !== null || readDate(v, 'mdy') !== null),
    amounts: count((v) => AMOUNT_LIKE.test(v)),
    moneyLike: count(
      (v) =>
        AMOUNT_LIKE.test(v) && (/[.,]\d{1,3}\b/.test(v) || /^[\s(]*[+\-\u2212]/.test(v) || v.length <= 6),
    ),
    currencies: count((v) => isCurrencyCode(v.toUpperCase()) && /^[A-Za-z]{3}$/.test(v)),
    markers: count((v) => MARKERS.has(v.toLowerCase())),
    distinct: new Set(values).size,
    averageLength: values.length ? values.reduce((n, v) => n + v.length, 0) / values.length : 0,
  };
}

const share = (n: number, of: number) => (of === 0 ? 0 : n / of);

/**
 * Whether a column's content can play the role its title suggests. Most of it must fit, not all: the
 * summary rows at the end of a short file ("Total", "Closing balance") have no date.
 */
function contentFits(role: TitleRole, p: ColumnProfile): boolean {
  switch (role) {
    case 'date':
    case 'valueDate':
      return share(p.dates, p.filled) >= 0.6;
    case 'amount':
    case 'balance':
      return share(p.amounts, p.filled) >= 0.6;
    case 'debit':
    case 'credit':
      return p.filled === 0 || share(p.amounts, p.filled) >= 0.6;
    case 'currency':
      return share(p.currencies, p.filled) >= 0.6;
    case 'marker':
      return share(p.markers, p.filled) >= 0.6;
    default:
      // A text role wants text: an empty column (bunq's "Counterparty") names nobody.
      return p.filled > 0 && share(p.dates, p.filled) < 0.6;
  }
}

// Claimed in this order, each column by one role: the date and the money first, then the rest.
const ORDER: TitleRole[] = [
  'date',
  'amount',
  'debit',
  'credit',
  'marker',
  'currency',
  'balance',
  'valueDate',
  'externalId',
  'payee',
  'memo',
];

function byTitles(titles: readonly string[], profiles: readonly ColumnProfile[], reasons: string[]) {
  const found: Partial<Record<TitleRole, number>> = {};
  const taken = new Set<number>();
  const normalised = titles.map(normaliseTitle);
  const scoreOf = (role: TitleRole, column: number) =>
    Math.max(0, ...KEYWORDS[role].map((k) => keywordScore(normalised[column] ?? '', k)));
  // A column goes to the role its title fits best: "お支払金額" contains 金額 (amount) but is a debit.
  const bestScore = normalised.map((_, column) => Math.max(...ORDER.map((role) => scoreOf(role, column))));
  for (const role of ORDER) {
    let best = { column: -1, score: 0 };
    normalised.forEach((_, column) => {
      if (taken.has(column)) return;
      const score = scoreOf(role, column);
      const profile = profiles[column] as ColumnProfile;
      if (score === 0 || score < (bestScore[column] ?? 0) || !contentFits(role, profile)) return;
      // Between equal titles for a text ("Buchungstext", "Verwendungszweck"), the longer texts say more.
      const longer =
        (role === 'payee' || role === 'memo') &&
        profile.averageLength > (profiles[best.column]?.averageLength ?? 0);
      if (score > best.score || (score === best.score && longer)) best = { column, score };
    });
    if (best.column >= 0) {
      found[role] = best.column;
      taken.add(best.column);
      reasons.push(`${role}: column ${best.column} "${titles[best.column]}" by its title`);
    }
  }
  return found;
}

/** Roles the titles left open, from the content: the first date-like column, money-like columns. */
function byContent(
  profiles: readonly ColumnProfile[],
  found: Partial<Record<TitleRole, number>>,
  reasons: string[],
) {
  const taken = new Set(Object.values(found));
  const free = profiles.map((p, column) => ({ p, column })).filter(({ column }) => !taken.has(column));
  const claim = (role: TitleRole, column: number, why: string) => {
    found[role] = column;
    taken.add(column);
    reasons.push(`${role}: column ${column} by its content (${why})`);
  };
  if (found.date === undefined) {
    const date = free.find(({ p }) => p.filled > 0 && share(p.dates, p.filled) >= 0.9);
    if (date) claim('date', date.column, 'dates');
  }
  if (found.currency === undefined) {
    const currency = free.find(
      ({ column, p }) => !taken.has(column) && p.filled > 0 && share(p.currencies, p.filled) >= 0.9,
    );
    if (currency) claim('currency', currency.column, 'ISO 4217 codes');
  }
  if (found.amount === undefined && found.debit === undefined && found.credit === undefined) {
    const money = free.filter(
      ({ column, p }) =>
        !taken.has(column) &&
        p.filled > 0 &&
        share(p.amounts, p.filled) >= 0.9 &&
        share(p.moneyLike, p.filled) >= 0.9 &&
        share(p.dates, p.filled) < 0.5,
    );
    const complete = money.find(({ p }) => p.filled === Math.max(...profiles.map((q) => q.filled)));
    const [first, second] = money;
    if (complete) claim('amount', complete.column, 'numbers on every row');
    else if (first && second) {
      claim('debit', first.column, 'numbers on some rows');
      claim('credit', second.column, 'numbers on the other rows');
    } else if (first) claim('amount', first.column, 'numbers');
  }
  if (found.payee === undefined && found.memo === undefined) {
    const texts = free
      .filter(
        ({ column, p }) =>
          !taken.has(column) &&
          p.filled > 0 &&
          share(p.amounts, p.filled) < 0.5 &&
          share(p.dates, p.filled) < 0.5,
      )
      .sort((a, b) => b.p.distinct - a.p.distinct || b.p.averageLength - a.p.averageLength);
    const [payee] = texts;
    if (payee) claim('payee', payee.column, 'the most varied text');
  }
}

/** The detected mapping, with `overrides` (the person's, from options) taking precedence role by role. */
export function mapColumns(
  titles: readonly string[] | null,
  profiles: readonly ColumnProfile[],
  overrides: CsvColumns = {},
): ColumnMapping {
  const reasons: string[] = [];
  const found = titles ? byTitles(titles, profiles, reasons) : {};
  const titled = Object.keys(found).length;
  byContent(profiles, found, reasons);
  // A title like "Details" with no name column beside it is what people call the payee.
  if (found.payee === undefined && found.memo !== undefined) {
    found.payee = found.memo;
    delete found.memo;
    reasons.push(`payee: column ${found.payee}, the description, since no column names the payee`);
  }
  if (found.date === undefined && found.valueDate !== undefined) found.date = found.valueDate;
  const columns: CsvColumns = {};
  for (const role of CSV_ROLES) {
    if (found[role] !== undefined) columns[role] = found[role];
  }
  if (overrides.amount !== undefined || overrides.debit !== undefined || overrides.credit !== undefined) {
    delete columns.amount;
    delete columns.debit;
    delete columns.credit;
  }
  for (const [role, column] of Object.entries(overrides) as Array<[CsvRole, number]>) {
    for (const [other, c] of Object.entries(columns) as Array<[CsvRole, number]>)
      if (c === column && other !== role) delete columns[other];
    columns[role] = column;
    reasons.push(`${role}: column ${column} as given`);
  }
  const money = columns.amount !== undefined || columns.debit !== undefined || columns.credit !== undefined;
  const fromTitles =
    found.date !== undefined &&
    titled >= 2 &&
    reasons.some((r) => r.startsWith('date:') && r.endsWith('by its title'));
  const confidence: Confidence = Object.keys(overrides).length
    ? 'high'
    : fromTitles && money && reasons.every((r) => !/^(amount|debit|credit):.*content/.test(r))
      ? 'high'
      : columns.date !== undefined && money
        ? titles
          ? 'medium'
          : 'low'
        : 'low';
  return { columns, confidence, reasons };
}
