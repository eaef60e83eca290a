import { z } from 'zod';
import { name, RefIdSchema, text } from './primitives.js';
import { BaseRowSchema, patchOf } from './row.js';

export const CategoryFieldsSchema = z.strictObject({
  name: name(100),
  kind: z.enum(['expense', 'income'], { error: 'must be expense or income' }),
  /** The parent category; null for a top-level one. */
  parentId: RefIdSchema.nullable(),
  color: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour written #rrggbb')
    .nullable(),
  icon: text(32).nullable(),
  archived: z.boolean(),
});

export const CategoryCreateSchema = CategoryFieldsSchema.extend({
  parentId: CategoryFieldsSchema.shape.parentId.default(null),
  color: CategoryFieldsSchema.shape.color.default(null),
  icon: CategoryFieldsSchema.shape.icon.default(null),
  archived: CategoryFieldsSchema.shape.archived.default(false),
});

export const CategoryPatchSchema = patchOf(CategoryFieldsSchema);

export const CategorySchema = BaseRowSchema.extend(CategoryFieldsSchema.shape);

export type CategoryFields = z.infer<typeof CategoryFieldsSchema>;
export type CategoryCreate = z.input<typeof CategoryCreateSchema>;
export type CategoryPatch = z.infer<typeof CategoryPatchSchema>;
export type Category = z.infer<typeof CategorySchema>;

/** A category's name, colour and icon are not personal enough to encrypt at rest. */
export const CATEGORY_SENSITIVE_FIELDS: readonly (keyof CategoryFields)[] = Object.freeze([]);
