/**
 * Calendar dates ('YYYY-MM-DD') and months ('YYYY-MM') as the ledger stores them. A date has no time
 * zone: "today" is the person's local calendar day, and month arithmetic is done on numbers, never
 * through a Date in UTC that could shift a day.
 */
const pad = (n: number, width = 2) => String(n).padStart(width, '0');

export function today(now: Date = new Date()): string {
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

export function thisMonth(now: Date = new Date()): string {
  return today(now).slice(0, 7);
}

export function addMonths(month: string, delta: number): string {
  const index = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + delta;
  return `${pad(Math.floor(index / 12), 4)}-${pad((index % 12) + 1)}`;
}

/** The inclusive date range of a month. */
export function monthRange(month: string): { from: string; to: string } {
  const [y, m] = [Number(month.slice(0, 4)), Number(month.slice(5, 7))];
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { from: `${month}-01`, to: `${month}-${pad(last)}` };
}

/** "November 2026" in the person's language. */
export function monthLabel(month: string, locale: string, style: 'long' | 'short' = 'long'): string {
  const date = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)) - 1, 1));
  return new Intl.DateTimeFormat(locale, {
    month: style,
    year: style === 'long' ? 'numeric' : '2-digit',
    timeZone: 'UTC',
  }).format(date);
}

const utcDate = (date: string) =>
  new Date(Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))));

/** "25 Nov 2026" (or the locale's own order). */
export function dateLabel(date: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(utcDate(date));
}

/**
 * An inclusive date range as short as the locale writes it: "Dec 1 – 31", "Nov 30 – Dec 6", with the
 * year only when the range is not within this year.
 */
export function rangeLabel(from: string, to: string, locale: string, now: Date = new Date()): string {
  const year = String(now.getFullYear());
  const withYear = from.slice(0, 4) !== year || to.slice(0, 4) !== year;
  return new Intl.DateTimeFormat(locale, {
    day: 'numeric',
    month: 'short',
    ...(withYear && { year: 'numeric' }),
    timeZone: 'UTC',
  }).formatRange(utcDate(from), utcDate(to));
}

/** "3 minutes ago", "yesterday", … from an ISO timestamp. */
export function relativeTime(iso: string, locale: string, now: number = Date.now()): string {
  const seconds = Math.round((Date.parse(iso) - now) / 1000);
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  const steps: Array<[Intl.RelativeTimeFormatUnit, number]> = [
    ['second', 60],
    ['minute', 60],
    ['hour', 24],
    ['day', 30],
    ['month', 12],
    ['year', Number.POSITIVE_INFINITY],
  ];
  let value = seconds;
  for (const [unit, size] of steps) {
    if (Math.abs(value) < size)
      return Math.abs(seconds) < 10 ? rtf.format(0, 'second') : rtf.format(value, unit);
    value = Math.round(value / size);
  }
  return iso;
}
