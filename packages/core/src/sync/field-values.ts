import type { z } from 'zod';
import { syncedFieldSchemas, type TableName } from './tables.js';

/**
 * Checks a stored field value (one that arrived in a snapshot or repair row) against its zod schema,
 * exactly as `parseOp` checks the fields of an op, with one difference: the value must be valid as it
 * is, because the row's text is stored as it came. The field schemas do not transform values, so
 * that is the same rule; a schema that ever did would make such a value fail here, not slip through.
 *
 * A 100,000-row bootstrap checks over a million values, and most of them repeat (currencies,
 * categories, payees, dates, flags): the values a schema accepted are remembered per table and
 * field (bounded, short values only), so each distinct value runs its schema once. Schemas are pure
 * functions of the value, so remembering changes nothing but the time.
 */

/** Distinct accepted values remembered per table and field; later ones are simply checked each time. */
const MEMO_LIMIT = 4096;
/** Longer strings (free text) are checked each time rather than kept in memory. */
const MEMO_MAX_CHARS = 256;

interface Memo {
  scalars: Set<string | number | boolean | null>;
  /** Lists of strings (tags), by their JSON text: kept apart so `["a"]` never meets the string '["a"]'. */
  lists: Set<string>;
}

const isScalar = (value: unknown): value is string | number | boolean | null =>
  value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';

/** The JSON text of a list of short strings (the memo's key), or undefined for anything else. */
function listKey(value: unknown): string | undefined {
  if (!Array.isArray(value)) return undefined;
  for (const item of value) if (typeof item !== 'string' || item.length > MEMO_MAX_CHARS) return undefined;
  const key = JSON.stringify(value);
  return key.length <= MEMO_MAX_CHARS ? key : undefined;
}

/** What checking one field found: nothing wrong (null), or why the value is refused. */
export type FieldValueProblem = { kind: 'unknown_field' } | { kind: 'invalid'; message: string };

const UNKNOWN_FIELD: FieldValueProblem = Object.freeze({ kind: 'unknown_field' });

/** Checks the stored field values of one table (see above); one per table, kept for the process. */
export class FieldValueChecker {
  private readonly schemas: Readonly<Record<string, z.ZodType>>;
  private readonly memos = new Map<string, Memo>();

  constructor(readonly table: TableName) {
    this.schemas = syncedFieldSchemas(table);
  }

  /** Null when `value` is a valid stored value of `field`; otherwise what is wrong with it. */
  problem(field: string, value: unknown): FieldValueProblem | null {
    let memo = this.memos.get(field);
    if (memo === undefined) {
      // Own properties only: a field named "toString" or "__proto__" is unknown, not Object's.
      if (!Object.hasOwn(this.schemas, field)) return UNKNOWN_FIELD;
      memo = { scalars: new Set(), lists: new Set() };
      this.memos.set(field, memo);
    }
    const scalar = isScalar(value);
    const key = scalar ? undefined : listKey(value);
    if (scalar ? memo.scalars.has(value) : key !== undefined && memo.lists.has(key)) return null;

    const result = (this.schemas[field] as z.ZodType).safeParse(value);
    if (!result.success) {
      return { kind: 'invalid', message: result.error.issues[0]?.message ?? 'is not valid' };
    }
    if (!sameValue(result.data, value)) return { kind: 'invalid', message: 'is not in its stored form' };
    if (scalar) {
      if (memo.scalars.size < MEMO_LIMIT && (typeof value !== 'string' || value.length <= MEMO_MAX_CHARS)) {
        memo.scalars.add(value);
      }
    } else if (key !== undefined && memo.lists.size < MEMO_LIMIT) memo.lists.add(key);
    return null;
  }
}

const checkers = new Map<TableName, FieldValueChecker>();

/** The checker of `table`'s stored field values. */
export function fieldValueChecker(table: TableName): FieldValueChecker {
  let checker = checkers.get(table);
  if (!checker) {
    checker = new FieldValueChecker(table);
    checkers.set(table, checker);
  }
  return checker;
}

/**
 * Null when `value` is a valid stored value of `table`.`field`; otherwise what is wrong with it
 * (`unknown_field` when the table has no such field).
 */
export const fieldValueProblem = (
  table: TableName,
  field: string,
  value: unknown,
): FieldValueProblem | null => fieldValueChecker(table).problem(field, value);

/** The schema's output equals its input: the same scalar, or a list of the same items. */
function sameValue(parsed: unknown, value: unknown): boolean {
  if (parsed === value) return true;
  if (!Array.isArray(parsed) || !Array.isArray(value) || parsed.length !== value.length) return false;
  return parsed.every((item, i) => item === value[i]);
}
