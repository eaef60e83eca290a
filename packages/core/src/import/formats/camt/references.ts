/*
 * The bank's id for a CAMT transaction. Candidates in order of trust: the account servicer's reference
 * (the bank's own), the entry reference, then the payment's TxId and EndToEndId (the payer sets those and
 * may reuse them). The first candidate that no other transaction of the file shares is the id; one that
 * repeats in the file cannot tell two transactions apart, so the next is tried, and else there is none.
 */

const PLACEHOLDERS = new Set(['', 'NOTPROVIDED', 'NONREF', 'NOTAVAILABLE', 'NONE', 'N/A']);

export const usableReference = (ref: string | null | undefined): string | null => {
  const trimmed = ref?.trim() ?? '';
  return PLACEHOLDERS.has(trimmed.toUpperCase()) ? null : trimmed;
};

/** For each transaction's candidate list, the first candidate unique in the file, or null. */
export function chooseReferences(
  candidates: ReadonlyArray<ReadonlyArray<string | null>>,
): Array<string | null> {
  const counts = new Map<string, number>();
  const lists = candidates.map((list) => [
    ...new Set(list.map(usableReference).filter((r): r is string => r !== null)),
  ]);
  for (const list of lists) for (const ref of list) counts.set(ref, (counts.get(ref) ?? 0) + 1);
  return lists.map((list) => list.find((ref) => counts.get(ref) === 1) ?? null);
}
