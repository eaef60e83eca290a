import { z } from 'zod';
import { CalendarDateSchema, MinorUnitsSchema } from '../schemas/primitives.js';
import { payeeSimilarity } from './payees.js';
import type { ImportTransaction } from './preview.js';

/*
 * Which rows of an import are already in the account. The bank's own id decides first; without one,
 * the same amount within a few days and a similar payee. Matching is one-to-one, so two real
 * same-day same-amount rows of one file are never folded into one entry, and two rows whose bank ids
 * differ never match. Pure: the caller brings the account's entries, nothing is read or written.
 */

export const ExistingEntrySchema = z.object({
  id: z.string(),
  date: CalendarDateSchema,
  amount: MinorUnitsSchema,
  currency: z.string().optional(),
  payee: z.string().nullable(),
  externalId: z.string().nullable(),
});
export type ExistingEntry = z.infer<typeof ExistingEntrySchema>;

export type IncomingRow = Pick<ImportTransaction, 'date' | 'amount' | 'currency' | 'payee' | 'externalId'>;

export interface DuplicateDecision {
  /** Index of the incoming row. */
  index: number;
  status: 'new' | 'duplicate';
  /** The existing entry it duplicates. */
  entryId: string | null;
  reason: 'external-id' | 'similar' | null;
  /** In words, for the preview. */
  why: string;
}

export interface DuplicateOptions {
  /** How many days apart a bank's date and an entry's may be (posting delays, weekends). */
  windowDays?: number;
  /** How alike two payees must be (payeeSimilarity, 0 to 1). */
  minSimilarity?: number;
}

const DAY = 86_400_000;
const dayNumber = (date: string) =>
  Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / DAY;

export function findDuplicates(
  incoming: readonly IncomingRow[],
  existing: readonly ExistingEntry[],
  options: DuplicateOptions = {},
): DuplicateDecision[] {
  const windowDays = options.windowDays ?? 3;
  const minSimilarity = options.minSimilarity ?? 0.5;
  const decisions: DuplicateDecision[] = incoming.map((_, index) => ({
    index,
    status: 'new',
    entryId: null,
    reason: null,
    why: 'not in the account',
  }));
  const taken = new Set<number>();

  // An id repeated inside the file cannot tell its rows apart: such rows are matched like rows without one.
  const idCount = new Map<string, number>();
  for (const row of incoming)
    if (row.externalId) idCount.set(row.externalId, (idCount.get(row.externalId) ?? 0) + 1);
  const byId = new Map<string, number[]>();
  const byAmount = new Map<number, number[]>();
  existing.forEach((entry, e) => {
    if (entry.externalId) byId.set(entry.externalId, [...(byId.get(entry.externalId) ?? []), e]);
    byAmount.set(entry.amount, [...(byAmount.get(entry.amount) ?? []), e]);
  });
  const sameCurrency = (row: IncomingRow, entry: ExistingEntry) =>
    !entry.currency || entry.currency === row.currency;

  incoming.forEach((row, i) => {
    if (!row.externalId || idCount.get(row.externalId) !== 1) return;
    const e = byId
      .get(row.externalId)
      ?.find((c) => !taken.has(c) && sameCurrency(row, existing[c] as ExistingEntry));
    if (e === undefined) return;
    taken.add(e);
    decisions[i] = {
      index: i,
      status: 'duplicate',
      entryId: (existing[e] as ExistingEntry).id,
      reason: 'external-id',
      why: `same bank id ${row.externalId}`,
    };
  });

  const pairs: Array<{ i: number; e: number; days: number; similarity: number }> = [];
  incoming.forEach((row, i) => {
    if (decisions[i]?.status === 'duplicate') return;
    for (const e of byAmount.get(row.amount) ?? []) {
      const entry = existing[e] as ExistingEntry;
      if (taken.has(e) || !sameCurrency(row, entry)) continue;
      if (row.externalId && entry.externalId && row.externalId !== entry.externalId) continue;
      const days = Math.abs(dayNumber(row.date) - dayNumber(entry.date));
      if (days > windowDays) continue;
      const similarity = payeeSimilarity(row.payee, entry.payee);
      if (similarity >= minSimilarity) pairs.push({ i, e, days, similarity });
    }
  });
  // Closest first, so every row gets its best partner whatever order the rows came in.
  pairs.sort((a, b) => a.days - b.days || b.similarity - a.similarity || a.i - b.i || a.e - b.e);
  for (const { i, e, days } of pairs) {
    if (taken.has(e) || decisions[i]?.status === 'duplicate') continue;
    taken.add(e);
    const entry = existing[e] as ExistingEntry;
    const when = days === 0 ? 'the same day' : `${days} day${days === 1 ? '' : 's'} apart`;
    decisions[i] = {
      index: i,
      status: 'duplicate',
      entryId: entry.id,
      reason: 'similar',
      why: `same amount ${when}, payee "${incoming[i]?.payee ?? ''}" like "${entry.payee ?? ''}"`,
    };
  }
  return decisions;
}
