import { decodeSplits, materializeRow, type RowState, type TableName } from '@kakeibo/core';
import type { MaterializedRow } from './types.js';

/**
 * A stored row as the API returns it: its fields' values (core materializeRow), with a split
 * expense's parts as objects instead of their stored text (core schemas/split.ts).
 */
export function presentRow(table: TableName, rowId: string, row: RowState): MaterializedRow {
  const out = materializeRow(rowId, row) as MaterializedRow;
  if (table === 'expenses' && out.splits !== undefined) out.splits = decodeSplits(out.splits);
  return out;
}
