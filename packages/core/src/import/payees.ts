import { z } from 'zod';

/*
 * Payees as banks write them ("POS31AUG REWE SAGT DANKE 41400673", "MCDONALD'S #112") compared by their
 * words: case, accents, punctuation, numbers and card-terminal noise left out. Used by duplicate
 * detection ("a similar payee") and by category suggestions (payees learned).
 */

const NOISE = new Set([
  'pos',
  'sepa',
  'dd',
  'card',
  'karte',
  'kartenzahlung',
  'lastschrift',
  'folgelastschrift',
  'payment',
  'purchase',
  'debit',
  'credit',
  'eftpos',
  'wdl',
  'visa',
  'mastercard',
  'the',
  'and',
  'www',
  'com',
  'gmbh',
  'ltd',
  'inc',
  'bv',
]);

/** The words of a payee that tell it apart: lower case, no accents, no numbers, no noise words. */
export function payeeWords(payee: string | null | undefined): string[] {
  if (!payee) return [];
  return payee
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/['\u2019]/g, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w !== '' && !/\d/.test(w) && !NOISE.has(w) && (w.length > 1 || /[^\p{ASCII}]/u.test(w)));
}

const sameWord = (a: string, b: string) =>
  a === b || (a.length >= 4 && b.length >= 4 && (a.startsWith(b) || b.startsWith(a)));

/**
 * 0 to 1: the share of the shorter payee's words found in the other ("REWE" and "REWE SAGT DANKE" are
 * 1, "Netflix" and "Spotify" 0). Two empty payees are 0: nothing says they are alike.
 */
export function payeeSimilarity(a: string | null | undefined, b: string | null | undefined): number {
  const x = payeeWords(a);
  const y = payeeWords(b);
  if (x.length === 0 || y.length === 0) {
    // Payees of only numbers and codes ("P0109US 5.00@1.18483") are alike only when they are the same.
    const plain = (s: string | null | undefined) => (s ?? '').toLowerCase().replace(/\s+/g, ' ').trim();
    return plain(a) !== '' && plain(a) === plain(b) ? 1 : 0;
  }
  const [shorter, longer] = x.length <= y.length ? [x, y] : [y, x];
  const found = shorter.filter((w) => longer.some((v) => sameWord(w, v))).length;
  return found / shorter.length;
}

export const PayeeHistoryEntrySchema = z.object({
  payee: z.string().nullable(),
  categoryId: z.string(),
  date: z.string().optional(),
});
export type PayeeHistoryEntry = z.infer<typeof PayeeHistoryEntrySchema>;

export interface CategorySuggestion {
  categoryId: string;
  /** "same": earlier entries with this payee; "similar": with a payee sharing its words. */
  basis: 'same' | 'similar';
  /** How many earlier entries voted for it. */
  count: number;
}

/**
 * The category a person gave most often to earlier entries with this payee (the most recent wins a
 * tie), or, failing any, to entries with a similar payee. Null when nothing in the history is alike.
 */
export function suggestCategory(
  payee: string | null,
  history: readonly PayeeHistoryEntry[],
): CategorySuggestion | null {
  const words = payeeWords(payee).join(' ');
  if (words === '') return null;
  const vote = (entries: readonly PayeeHistoryEntry[], basis: CategorySuggestion['basis']) => {
    const tally = new Map<string, { count: number; latest: string }>();
    for (const e of entries) {
      const t = tally.get(e.categoryId) ?? { count: 0, latest: '' };
      t.count += 1;
      if ((e.date ?? '') > t.latest) t.latest = e.date ?? '';
      tally.set(e.categoryId, t);
    }
    let best: CategorySuggestion | null = null;
    let bestLatest = '';
    for (const [categoryId, t] of tally) {
      if (!best || t.count > best.count || (t.count === best.count && t.latest > bestLatest)) {
        best = { categoryId, basis, count: t.count };
        bestLatest = t.latest;
      }
    }
    return best;
  };
  const same = history.filter((e) => payeeWords(e.payee).join(' ') === words);
  if (same.length) return vote(same, 'same');
  return vote(
    history.filter((e) => payeeSimilarity(payee, e.payee) >= 0.75),
    'similar',
  );
}
