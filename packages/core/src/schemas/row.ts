import { z } from 'zod';
import { RowIdSchema } from '../ids.js';
import { TimestampSchema } from './primitives.js';

/**
 * The fields every synced row carries besides its data fields that an op may write: when the row was
 * created, and its tombstone. `updatedAt` is derived from the newest field stamp and `id` is the row key,
 * so neither is ever written by an op.
 */
export const BASE_SYNCED_FIELDS = {
  createdAt: TimestampSchema,
  deleted: z.boolean(),
} as const;

/** The part of every row as read that is not entity data. */
export const BaseRowSchema = z.strictObject({
  id: RowIdSchema,
  createdAt: BASE_SYNCED_FIELDS.createdAt,
  updatedAt: TimestampSchema,
  deleted: BASE_SYNCED_FIELDS.deleted,
});

/**
 * The change schema of a fields schema: any of its fields, at least one of them set (a change of
 * nothing is a mistake, refused with a message, never an op).
 */
export function patchOf<T extends z.ZodObject>(fields: T) {
  return fields.partial().refine((patch) => Object.values(patch).some((v) => v !== undefined), {
    message: 'must change at least one field',
  });
}
