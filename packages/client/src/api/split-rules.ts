import { type FieldValue, KakeiboError, splitsProblem } from '@kakeibo/core';

type Values = Readonly<Record<string, FieldValue>>;

/**
 * A split expense's parts sum exactly to its amount, checked on the row as the write leaves it:
 * a new amount without new parts (or new parts without the amount) is refused when they no longer
 * match, so the person changes both together.
 */
export function verifySplits(rows: readonly Values[]): void {
  rows.forEach((row, i) => {
    const problem = splitsProblem(row.amount, row.splits);
    if (problem === null) return;
    const message = `Split entry${rows.length > 1 ? ` #${i + 1}` : ''}: ${problem}.`;
    throw new KakeiboError('validation.failed', message, { issues: [{ path: 'splits', message: problem }] });
  });
}

/** Runs the checks of one write in turn; the first refusal refuses the whole write. */
export const allOf =
  (...checks: Array<(rows: readonly Values[], changed?: ReadonlySet<string>) => Promise<void> | void>) =>
  async (rows: readonly Values[], changed?: ReadonlySet<string>): Promise<void> => {
    for (const check of checks) await check(rows, changed);
  };
