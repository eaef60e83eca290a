import { isCalendarDate } from '../schemas/primitives.js';

/*
 * Dates as bank files write them -> YYYY-MM-DD. The order of day, month and year is the one thing
 * text cannot always tell (is 03/04/2024 March or April?), so readers take it as a parameter and
 * guessDateOrder settles it from a whole column, never from one value.
 */

export const DATE_ORDERS = ['ymd', 'dmy', 'mdy'] as const;
export type DateOrder = (typeof DATE_ORDERS)[number];

/**
 * Two-digit years as POSIX strptime reads them: 69-99 are 1969-1999, 00-68 are 2000-2068. Bank files
 * with two-digit years are recent, and a fixed pivot keeps the reading independent of today's date.
 */
export function expandYear(digits: string): number | null {
  if (/^\d{4}$/.test(digits)) return Number(digits);
  if (!/^\d{1,2}$/.test(digits)) return null;
  const yy = Number(digits);
  return yy >= 69 ? 1900 + yy : 2000 + yy;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** A calendar date from its parts, or null when there is no such day (31 April, 29 February 2023). */
export function calendarDate(year: number | null, month: number, day: number): string | null {
  if (year === null || !Number.isInteger(month) || !Number.isInteger(day)) return null;
  const iso = `${String(year).padStart(4, '0')}-${pad(month)}-${pad(day)}`;
  return isCalendarDate(iso) ? iso : null;
}

// The first letters of month names in the languages of the banks' exports we know of.
const MONTHS: ReadonlyArray<readonly string[]> = [
  ['jan', 'jän', 'janv', 'ene', 'gen'],
  ['feb', 'fév', 'fev', 'febr'],
  ['mar', 'mär', 'mrt', 'mars', 'marz'],
  ['apr', 'avr', 'abr'],
  ['may', 'mai', 'mei', 'mag', 'mayo'],
  ['jun', 'juin', 'giu'],
  ['jul', 'juil', 'lug'],
  ['aug', 'aoû', 'aou', 'ago'],
  ['sep', 'sept', 'set'],
  ['oct', 'okt', 'ott'],
  ['nov'],
  ['dec', 'dez', 'déc', 'dic'],
];

function monthFromName(token: string): number | null {
  const lower = token.toLowerCase().replace(/\.$/, '');
  for (let i = 0; i < MONTHS.length; i += 1) {
    const names = MONTHS[i] ?? [];
    if (names.some((name) => lower === name || (lower.length >= 3 && lower.startsWith(name)))) return i + 1;
  }
  return null;
}

/** Splits a date into its parts, dropping a time of day and Japanese 年月日 markers. */
function dateTokens(input: string): string[] {
  const text = input
    .normalize('NFKC')
    .trim()
    .replace(/[年月]/g, '/')
    .replace(/日/g, '')
    // A time of day after the date ("2018-12-06 10:11", "2014-12-31T13:15:00+01:00") is not part of it.
    .replace(/(?:[T\s]+\d{1,2}:\d{2}.*)$/, '');
  return text.split(/[^0-9\p{L}]+/u).filter((t) => t !== '');
}

function fromNumbers(parts: readonly string[], order: DateOrder): string | null {
  const [a = '', b = '', c = ''] = parts;
  if (a.length === 4) return calendarDate(Number(a), Number(b), Number(c)); // always year first
  if (c.length > 4 || a.length > 2 || b.length > 2) return null;
  if (order === 'dmy') return calendarDate(expandYear(c), Number(b), Number(a));
  if (order === 'mdy') return calendarDate(expandYear(c), Number(a), Number(b));
  return calendarDate(expandYear(a), Number(b), Number(c));
}

/** An undivided run of digits: YYYYMMDD (OFX, many exports), or six digits in the given order. */
function fromCompact(digits: string, order: DateOrder): string | null {
  if (digits.length === 8) {
    const asYmd = calendarDate(
      Number(digits.slice(0, 4)),
      Number(digits.slice(4, 6)),
      Number(digits.slice(6)),
    );
    if (asYmd || order === 'ymd') return asYmd;
    return fromNumbers([digits.slice(0, 2), digits.slice(2, 4), digits.slice(4)], order);
  }
  if (digits.length === 6)
    return fromNumbers([digits.slice(0, 2), digits.slice(2, 4), digits.slice(4)], order);
  return null;
}

/**
 * Reads one date with the given order of day and month: "22.02.18", "01/09/2017", "2018-12-06",
 * "20090401", "1 Sep 2017", "Sep 1, 2017", "2024年1月5日". A four-digit first part is always the year.
 */
export function readDate(input: string, order: DateOrder): string | null {
  const tokens = dateTokens(input);
  if (tokens.length === 1 && /^\d+$/.test(tokens[0] ?? '')) return fromCompact(tokens[0] ?? '', order);
  if (tokens.length !== 3) return null;
  const named = tokens.findIndex((t) => /^\p{L}+$/u.test(t));
  if (named < 0) return tokens.every((t) => /^\d+$/.test(t)) ? fromNumbers(tokens, order) : null;
  const month = monthFromName(tokens[named] ?? '');
  const rest = tokens.filter((_, i) => i !== named);
  if (month === null || !rest.every((t) => /^\d+$/.test(t))) return null;
  const [x = '', y = ''] = rest;
  // "2017 Sep 01", "01 Sep 2017", "Sep 01, 2017": the four-digit number, or else the last one, is the year.
  if (x.length === 4) return calendarDate(Number(x), month, Number(y));
  return calendarDate(expandYear(y), month, Number(x));
}

/** Reads OFX's YYYYMMDD[HHMMSS[.XXX]][[gmt offset:tz]]: the date as the bank wrote it. */
export function readOfxDate(input: string): string | null {
  const m = /^\s*(\d{4})(\d{2})(\d{2})/.exec(input);
  return m ? calendarDate(Number(m[1]), Number(m[2]), Number(m[3])) : null;
}

/** Reads an ISO 8601 date or date-time ("2014-12-31", "2014-12-31T13:15:00+01:00") as its local date. */
export function readIsoDate(input: string): string | null {
  const m = /^\s*(\d{4})-(\d{2})-(\d{2})(?:$|[T\s])/.exec(input);
  return m ? calendarDate(Number(m[1]), Number(m[2]), Number(m[3])) : null;
}

export interface DateOrderGuess {
  order: DateOrder;
  /** How many samples read as dates in that order. */
  readable: number;
  /** True when another order reads every sample as well and nothing else told them apart. */
  ambiguous: boolean;
}

const isMonotone = (dates: readonly string[]) => {
  let up = true;
  let down = true;
  for (let i = 1; i < dates.length; i += 1) {
    const prev = dates[i - 1] ?? '';
    const cur = dates[i] ?? '';
    if (cur < prev) up = false;
    if (cur > prev) down = false;
  }
  return up || down;
};

/**
 * The order of day and month that reads the most samples. When several read them all (every day is
 * 12 or less), the one that keeps the rows in date order wins, since exports are sorted; then
 * `fallback` (day-month-year, most of the world, unless the format says otherwise), flagged ambiguous.
 */
export function guessDateOrder(samples: readonly string[], fallback: DateOrder = 'dmy'): DateOrderGuess {
  // Day.month.year with dots is how Germany, Switzerland, Austria, Poland, Russia... write dates; nobody
  // writes month.day.year. A four-digit year first reads the same in every order.
  if (samples.length && samples.every((s) => /^\s*\d{1,2}\.\d{1,2}\.\d{2,4}\b/.test(s))) {
    return {
      order: 'dmy',
      readable: samples.filter((s) => readDate(s, 'dmy') !== null).length,
      ambiguous: false,
    };
  }
  // Year first with a two-digit year ("18.02.22") is read only when asked for: guessing picks day or month.
  const orders: DateOrder[] =
    fallback === 'ymd' ? ['ymd', 'dmy', 'mdy'] : [fallback, fallback === 'dmy' ? 'mdy' : 'dmy'];
  const scored = orders.map((order) => {
    const dates = samples.map((s) => readDate(s, order));
    const read = dates.filter((d): d is string => d !== null);
    return { order, readable: read.length, sorted: isMonotone(read), reading: dates.join() };
  });
  const best = Math.max(...scored.map((s) => s.readable));
  const top = scored.filter((s) => s.readable === best);
  const sorted = top.filter((s) => s.sorted);
  const winner = (sorted.length === 1 ? sorted[0] : top[0]) ?? scored[0];
  if (!winner) return { order: fallback, readable: 0, ambiguous: false };
  // Orders that read every sample the same way (ISO dates, YYYYMMDD) are no ambiguity at all.
  const differing = top.some((s) => s.reading !== winner.reading);
  return { order: winner.order, readable: winner.readable, ambiguous: differing && sorted.length !== 1 };
}

/** Date formats as people write them ("DD.MM.YY", "MM/DD/YYYY", "dmy") -> the order they imply. */
export function dateOrderOf(format: string): DateOrder | null {
  const lower = format.toLowerCase();
  if ((DATE_ORDERS as readonly string[]).includes(lower)) return lower as DateOrder;
  const letters = lower.replace(/[^dmy]/g, '').replace(/(.)\1+/g, '$1');
  return (DATE_ORDERS as readonly string[]).includes(letters) ? (letters as DateOrder) : null;
}
