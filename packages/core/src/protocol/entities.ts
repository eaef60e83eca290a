import { z } from 'zod';
import { DeviceIdSchema } from '../ids.js';
import { CalendarDateSchema, RefIdSchema } from '../schemas/primitives.js';
import { BaseRowSchema } from '../schemas/row.js';
import { dataFieldsSchema, type TableName } from '../sync/tables.js';

/** The read API for integrations: current rows of one table, newest first, keyset-paginated. */
export const EntityListQuerySchema = z
  .strictObject({
    /** Inclusive bounds on the row's date (expense/income date, purchase date, budget start). */
    from: CalendarDateSchema.optional(),
    to: CalendarDateSchema.optional(),
    categoryId: RefIdSchema.optional(),
    includeDeleted: z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    cursor: z.string().max(256).optional(),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, {
    message: 'from must not be after to',
    path: ['from'],
  });

/**
 * A row as read: a row may be known only in part (an edit can arrive before the row's creation on a
 * device that synced mid-way), so data fields are optional here and complete on a settled ledger.
 */
export function entityRowSchema(table: TableName): z.ZodType<Record<string, unknown>> {
  return BaseRowSchema.partial({ createdAt: true }).extend(dataFieldsSchema(table).partial().shape);
}

export function entityListPageSchema(
  table: TableName,
): z.ZodType<{ items: Array<Record<string, unknown>>; nextCursor: string | null }> {
  return z.strictObject({ items: z.array(entityRowSchema(table)), nextCursor: z.string().nullable() });
}

export const EntityParamsSchema = z.strictObject({ id: RefIdSchema });

export const DeviceParamsSchema = z.strictObject({ id: DeviceIdSchema });

export type EntityListQuery = z.infer<typeof EntityListQuerySchema>;
