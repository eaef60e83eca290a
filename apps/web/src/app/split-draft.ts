import type { SplitPartInput } from '@kakeibo/core';
import { money, readAmount } from '../lib/money.js';

/** One part of a split entry as the entry sheet holds it: the amount as typed. */
export interface SplitDraft {
  categoryId: string;
  amount: string;
  note: string;
}

/** A new split: the whole amount in the entry's own category, and an empty second part to fill. */
export const startSplit = (amount: string, categoryId: string): SplitDraft[] => [
  { categoryId, amount, note: '' },
  { categoryId: '', amount: '', note: '' },
];

/** What is left to assign to the parts (minor units; negative when they exceed the amount), or null while any amount is unreadable. */
export function leftToAssign(
  total: number,
  parts: readonly SplitDraft[],
  currency: string,
  locale: string,
): number | null {
  let sum = 0;
  for (const part of parts) {
    if (part.amount.trim() === '') continue;
    const read = readAmount(part.amount, currency, locale);
    if ('error' in read) return null;
    sum += read.amount;
  }
  return total - sum;
}

/** A line saying how the parts stand against the amount, in the entry's currency. */
export function splitStatus(left: number | null, currency: string, locale: string): string {
  if (left === null) return 'Some part has an amount that cannot be read.';
  if (left === 0) return 'The parts add up to the amount.';
  if (left > 0) return `${money(left, currency, locale)} left to assign.`;
  return `The parts are ${money(-left, currency, locale)} more than the amount.`;
}

/**
 * The parts as the SDK takes them, or what to fix, in the words of the screen: each part needs an
 * amount above zero, and together they must make the entry's amount exactly.
 */
export function readSplits(
  total: number,
  parts: readonly SplitDraft[],
  currency: string,
  locale: string,
): { splits: SplitPartInput[] } | { error: string } {
  if (parts.length < 2)
    return { error: 'A split needs at least two parts: add a part, or remove the split.' };
  const splits: SplitPartInput[] = [];
  for (const [i, part] of parts.entries()) {
    const read = readAmount(part.amount, currency, locale);
    if ('error' in read) return { error: `Part ${i + 1}, amount: ${read.error}` };
    splits.push({ categoryId: part.categoryId || null, amount: read.amount, note: part.note.trim() });
  }
  const left = leftToAssign(total, parts, currency, locale) ?? 0;
  if (left !== 0) {
    return {
      error: `The parts must add up to the amount, ${money(total, currency, locale)}: ${splitStatus(left, currency, locale)} Change a part or the amount.`,
    };
  }
  return { splits };
}
