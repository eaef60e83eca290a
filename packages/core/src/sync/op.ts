import { z } from 'zod';
import { type Stamp, StampSchema, stampDevice } from '../clock/stamp.js';
import { utf8Length } from '../encoding/utf8.js';
import { KakeiboError } from '../errors.js';
import { DeviceIdSchema, OpIdSchema, RowIdSchema } from '../ids.js';
import { isTableName, syncedFieldSchemas, TABLE_NAMES, type TableName } from './tables.js';

/** Upper bounds that keep every op, and so every batch, small. */
export const MAX_OP_FIELDS = 40;
export const MAX_OP_BYTES = 16 * 1024;

export const TableNameSchema = z.enum(TABLE_NAMES as [TableName, ...TableName[]], {
  error: `must be one of: ${TABLE_NAMES.join(', ')}`,
});

/**
 * The shapes a field value can take, checked one level deep (its entity schema checks it fully):
 * for op fields on the wire and conflict sides.
 */
export const FieldValueShapeSchema = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.null(),
  z.array(z.string()).readonly(),
]);

/**
 * The wire shape of a change. `fields` holds the new values; `prev` holds, for each of those fields,
 * the stamp of the value the device replaced (null when the field had none), which is how a replica
 * tells a deliberate overwrite from a concurrent edit.
 */
export const OpEnvelopeSchema = z
  .strictObject({
    id: OpIdSchema,
    table: TableNameSchema,
    rowId: RowIdSchema,
    stamp: StampSchema,
    deviceId: DeviceIdSchema,
    // The shapes a field value can take, checked one level deep: a value nested deeper (or an
    // object) is refused here, before anything walks or serialises it.
    fields: z.record(z.string().min(1).max(64), FieldValueShapeSchema),
    prev: z.record(z.string().min(1).max(64), StampSchema.nullable()),
  })
  .superRefine((op, ctx) => {
    const names = Object.keys(op.fields);
    if (names.length === 0)
      ctx.addIssue({ code: 'custom', path: ['fields'], message: 'must change at least one field' });
    if (names.length > MAX_OP_FIELDS) {
      ctx.addIssue({
        code: 'custom',
        path: ['fields'],
        message: `must change at most ${MAX_OP_FIELDS} fields`,
      });
    }
    if (stampDevice(op.stamp) !== op.deviceId) {
      ctx.addIssue({ code: 'custom', path: ['stamp'], message: 'stamp was not issued by this device' });
    }
    const prevNames = Object.keys(op.prev);
    if (prevNames.length !== names.length || !names.every((n) => Object.hasOwn(op.prev, n))) {
      ctx.addIssue({
        code: 'custom',
        path: ['prev'],
        message: 'must give the replaced stamp of exactly the changed fields',
      });
    }
    for (const [field, prev] of Object.entries(op.prev)) {
      if (prev !== null && prev >= op.stamp) {
        ctx.addIssue({
          code: 'custom',
          path: ['prev', field],
          message: 'replaced stamp must be older than the op',
        });
      }
    }
  });

export type FieldValue = string | number | boolean | null | readonly string[];

export interface Op {
  id: string;
  table: TableName;
  rowId: string;
  stamp: Stamp;
  deviceId: string;
  fields: Record<string, FieldValue>;
  prev: Record<string, Stamp | null>;
}

/**
 * Validates an op from outside (a push, a pulled page, a file): the envelope, the size, and every
 * field against its entity schema. Throws KakeiboError `op.invalid` naming the first problem.
 */
export function parseOp(input: unknown): Op {
  refuseProtoKeys(input);
  const envelope = OpEnvelopeSchema.safeParse(input);
  if (!envelope.success) throw invalid(envelope.error.issues, 'op');
  const op = envelope.data;
  if (!isTableName(op.table)) throw new KakeiboError('op.invalid', `unknown table ${op.table}`);
  assertOpSize(op);
  const schemas = syncedFieldSchemas(op.table);
  const fields: Record<string, FieldValue> = {};
  for (const [field, value] of Object.entries(op.fields)) {
    // Own properties only: a field named "toString" or "__proto__" is unknown, not Object's.
    const schema = Object.hasOwn(schemas, field) ? schemas[field] : undefined;
    if (!schema) {
      throw new KakeiboError('op.unknown_field', `${op.table} has no field "${field}".`, {
        opId: op.id,
        field,
      });
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw invalid(parsed.error.issues, `fields.${field}`, op.id);
    fields[field] = parsed.data as FieldValue;
  }
  return { ...op, table: op.table, fields };
}

/** The bound on an op's fields in bytes (MAX_OP_BYTES), which every op meets wherever it was made. */
function assertOpSize(op: Pick<Op, 'id' | 'fields'>): void {
  const serialized = JSON.stringify(op.fields);
  // Characters are at most 3 UTF-8 bytes; only measure exactly when the cheap bound is inconclusive.
  if (serialized.length * 3 > MAX_OP_BYTES && utf8Length(serialized) > MAX_OP_BYTES) {
    throw new KakeiboError('op.too_large', `An op's fields may hold at most ${MAX_OP_BYTES} bytes.`, {
      opId: op.id,
    });
  }
}

/**
 * An op a device built itself (core buildOp) from fields its collection schemas have just validated:
 * checking every field again with the same schemas, as parseOp does for ops from elsewhere, only
 * costs time (a third of a 100,000-row import's). What those schemas cannot see is still checked:
 * the field count and the size bound. Anything that arrives from outside goes through parseOp.
 */
export function checkBuiltOp(op: Op): Op {
  const count = Object.keys(op.fields).length;
  if (count === 0 || count > MAX_OP_FIELDS) {
    throw new KakeiboError('op.invalid', `An op changes from 1 to ${MAX_OP_FIELDS} fields, not ${count}.`, {
      opId: op.id,
    });
  }
  assertOpSize(op);
  return op;
}

function invalid(issues: readonly z.core.$ZodIssue[], where: string, opId?: string): KakeiboError {
  const first = issues[0];
  const path = [where, ...(first?.path ?? [])].join('.').replace(/^op\./, '');
  return new KakeiboError('op.invalid', `Invalid op: ${path}: ${first?.message ?? 'invalid'}`, {
    opId,
    issues: issues.map((i) => ({ path: [where, ...i.path].join('.'), message: i.message })),
  });
}

/**
 * JSON.parse makes `"__proto__"` an own key, which schemas and spreads then treat as the prototype:
 * silently dropped, or worse. No op may use it as a key: in its envelope, its fields or its `prev`.
 */
function refuseProtoKeys(input: unknown): void {
  if (typeof input !== 'object' || input === null) return;
  const parts = [input, (input as { fields?: unknown }).fields, (input as { prev?: unknown }).prev];
  for (const part of parts) {
    if (typeof part === 'object' && part !== null && Object.hasOwn(part, '__proto__')) {
      throw new KakeiboError('op.unknown_field', 'An op may not use the key "__proto__".');
    }
  }
}
