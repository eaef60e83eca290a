import { hash64 } from '../sync/hash64.js';

/**
 * When a recurring rule falls due, and the row id each occurrence is written under. Dates are
 * calendar dates (YYYY-MM-DD) computed as UTC midnights, so no time zone moves them.
 */

export interface Schedule {
  every: number;
  unit: 'day' | 'week' | 'month' | 'year';
  dayOfMonth: number | null;
  startDate: string;
  endDate: string | null;
  skipped?: readonly string[];
}

const DAY_MS = 86_400_000;
const toMs = (date: string) => Date.UTC(+date.slice(0, 4), +date.slice(5, 7) - 1, +date.slice(8, 10));
const toDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** Enough for a daily rule over 30 years; a longer range is cut there. */
const MAX_OCCURRENCES = 11_000;

/** The k-th occurrence of a rule (k = 0 is the first), before skips and the end date. */
function nth(rule: Schedule, k: number): string {
  const start = toMs(rule.startDate);
  if (rule.unit === 'day') return toDate(start + k * rule.every * DAY_MS);
  if (rule.unit === 'week') return toDate(start + k * rule.every * 7 * DAY_MS);
  const s = new Date(start);
  const months = k * rule.every * (rule.unit === 'year' ? 12 : 1);
  const year = s.getUTCFullYear() + Math.floor((s.getUTCMonth() + months) / 12);
  const month = (s.getUTCMonth() + months) % 12;
  const day = rule.dayOfMonth ?? s.getUTCDate();
  // The 31st of a 30-day month is its 30th; the 29th of February in a common year is the 28th.
  const daysIn = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return toDate(Date.UTC(year, month, Math.min(day, daysIn)));
}

/**
 * The occurrence dates from `from` to `through` (inclusive), in order: never before the start date
 * nor after the end date, skipped ones left out. With `dayOfMonth` the first occurrence may fall
 * before the start date in its month; it is then the next one's turn.
 */
export function occurrenceDates(rule: Schedule, from: string, through: string): string[] {
  const last = rule.endDate !== null && rule.endDate < through ? rule.endDate : through;
  const skipped = new Set(rule.skipped ?? []);
  const dates: string[] = [];
  for (let k = 0; k < MAX_OCCURRENCES; k++) {
    const date = nth(rule, k);
    if (date > last) break;
    if (date < rule.startDate || date < from || skipped.has(date)) continue;
    dates.push(date);
  }
  return dates;
}

/**
 * The row id of a rule's occurrence on a date: the same on every device, so two devices that both
 * write an occurrence while offline write one row. A UUIDv7 whose time is the date (so rows sort as
 * entries of their day do) and whose other bits come from the rule id and the date.
 */
export function occurrenceRowId(ruleId: string, date: string): string {
  const ms = Math.max(0, toMs(date));
  const a = hash64(`${ruleId}/${date}/a`);
  const b = hash64(`${ruleId}/${date}/b`);
  const hex = (n: number, width: number) =>
    (n >>> 0)
      .toString(16)
      .padStart(8, '0')
      .slice(8 - width);
  const time = ms.toString(16).padStart(12, '0');
  const randA = hex(a.hi, 3);
  const variant = ((a.lo >>> 30) & 0x3) | 0x8; // 10xx
  const randB = `${variant.toString(16)}${hex(a.lo, 3)}${hex(b.hi, 8)}${hex(b.lo, 4)}`;
  return `${time.slice(0, 8)}-${time.slice(8)}-7${randA}-${randB.slice(0, 4)}-${randB.slice(4)}`;
}
