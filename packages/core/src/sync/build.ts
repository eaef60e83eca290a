import type { HybridClock } from '../clock/hlc.js';
import { uuidv7 } from '../ids.js';
import type { RowState } from './merge.js';
import type { FieldValue, Op } from './op.js';
import type { TableName } from './tables.js';

/**
 * A local change as an op: a fresh stamp, and for each field the stamp of the value it replaces as
 * this device currently sees it. The caller validates `fields` (parseOp) before it leaves the device.
 */
export function buildOp(
  clock: HybridClock,
  table: TableName,
  rowId: string,
  fields: Record<string, FieldValue>,
  current: RowState | undefined,
): Op {
  const prev: Op['prev'] = {};
  for (const field of Object.keys(fields)) prev[field] = current?.[field]?.stamp ?? null;
  return { id: uuidv7(), table, rowId, stamp: clock.tick(), deviceId: clock.deviceId, fields, prev };
}
