import { z } from 'zod';
import { PositiveMinorUnitsSchema, RefIdSchema, text } from './primitives.js';

/**
 * Split entries: one expense whose amount is shared among categories, each part with its own amount
 * (integer minor units of the entry's currency) and an optional note. The parts of an entry always
 * sum exactly to its amount; a write that breaks that is refused (see splitsProblem).
 *
 * A synced field holds a scalar or a list of strings (core sync/op.ts), so the parts are stored as a
 * list of strings, each the canonical JSON text `[categoryId, amount, note]` of one part: the list
 * syncs as one field (the parts change together, last writer wins as a whole), it is checksummed and
 * sealed like `tags`, and no peer has to walk nested objects. The SDK takes and returns the parts as
 * objects; only the store and the wire see the text.
 */

export const MAX_SPLIT_PARTS = 50;

export const SplitPartSchema = z.strictObject({
  categoryId: RefIdSchema.nullable(),
  amount: PositiveMinorUnitsSchema,
  note: text(200).default(''),
});

export type SplitPart = z.output<typeof SplitPartSchema>;
export type SplitPartInput = z.input<typeof SplitPartSchema>;

/** The stored text of one part (the inverse of decodeSplitPart). */
export const encodeSplitPart = (part: SplitPart): string =>
  JSON.stringify([part.categoryId, part.amount, part.note]);

/** One part from its stored text, or null when the text is not exactly a valid part's canonical form. */
export function decodeSplitPart(stored: string): SplitPart | null {
  let tuple: unknown;
  try {
    tuple = JSON.parse(stored);
  } catch {
    return null;
  }
  if (!Array.isArray(tuple) || tuple.length !== 3) return null;
  const parsed = SplitPartSchema.safeParse({ categoryId: tuple[0], amount: tuple[1], note: tuple[2] });
  if (!parsed.success || encodeSplitPart(parsed.data) !== stored) return null;
  return parsed.data;
}

/** The parts of a stored `splits` value; an absent or empty value (an entry not split) gives []. */
export function decodeSplits(stored: unknown): SplitPart[] {
  if (!Array.isArray(stored)) return [];
  const parts: SplitPart[] = [];
  for (const text of stored) {
    const part = typeof text === 'string' ? decodeSplitPart(text) : null;
    if (part) parts.push(part);
  }
  return parts;
}

const partCount = (n: number) => n === 0 || (n >= 2 && n <= MAX_SPLIT_PARTS);
const PART_COUNT = `must have no parts (not split) or from 2 to ${MAX_SPLIT_PARTS} parts`;

/** The field as stored and synced: the canonical text of each part. */
export const StoredSplitsSchema = z
  .array(z.string(), { error: 'must be a list of split parts' })
  .refine((parts) => partCount(parts.length), { message: PART_COUNT })
  .superRefine((parts, ctx) => {
    parts.forEach((part, i) => {
      if (decodeSplitPart(part) === null) {
        ctx.addIssue({
          code: 'custom',
          path: [i],
          message: 'must be a split part [categoryId, amount, note]',
        });
      }
    });
  });

/** The field as the SDK takes it: parts as objects, turned into their stored text. */
export const SplitsInputSchema = z
  .array(SplitPartSchema, { error: 'must be a list of parts: { categoryId, amount, note? }' })
  .refine((parts) => partCount(parts.length), { message: PART_COUNT })
  .transform((parts) => parts.map(encodeSplitPart));

/**
 * Why the parts do not fit the entry's amount, or null when they do (or the entry is not split):
 * the message says what the parts sum to, so a person can see which part to change.
 */
export function splitsProblem(amount: unknown, stored: unknown): string | null {
  const parts = decodeSplits(stored);
  if (parts.length === 0 || typeof amount !== 'number') return null;
  const sum = parts.reduce((total, part) => total + part.amount, 0);
  if (sum === amount) return null;
  return `the parts add up to ${sum} minor units but the amount is ${amount}: change a part or the amount so they match`;
}
