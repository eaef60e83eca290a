import { z } from 'zod';
import { CurrencyCodeSchema, name } from './primitives.js';
import { BaseRowSchema, patchOf } from './row.js';

/** True when `tag` is a well-formed BCP 47 language tag, as the platform's Intl understands them. */
function isLocale(tag: string): boolean {
  try {
    return Intl.getCanonicalLocales(tag).length === 1;
  } catch {
    return false;
  }
}

/** The synced, non-secret part of an account. */
export const ProfileFieldsSchema = z.strictObject({
  displayName: name(100),
  defaultCurrency: CurrencyCodeSchema,
  /** Formats dates and amounts, for example en-GB or ja-JP. */
  locale: z
    .string()
    .max(35, { error: 'must be at most 35 characters' })
    .refine(isLocale, { message: 'must be a BCP 47 language tag, such as en-GB' }),
  /** The first day of the week: 0 is Sunday, 1 Monday, ... 6 Saturday. */
  weekStartsOn: z
    .int({ error: 'must be a day of the week from 0 (Sunday) to 6 (Saturday)' })
    .min(0, { error: 'must be a day of the week from 0 (Sunday) to 6 (Saturday)' })
    .max(6, { error: 'must be a day of the week from 0 (Sunday) to 6 (Saturday)' }),
});

export const ProfileCreateSchema = ProfileFieldsSchema.extend({
  weekStartsOn: ProfileFieldsSchema.shape.weekStartsOn.default(1),
});

export const ProfilePatchSchema = patchOf(ProfileFieldsSchema);

export const ProfileSchema = BaseRowSchema.extend(ProfileFieldsSchema.shape);

export type ProfileFields = z.infer<typeof ProfileFieldsSchema>;
export type ProfileCreate = z.input<typeof ProfileCreateSchema>;
export type ProfilePatch = z.infer<typeof ProfilePatchSchema>;
export type Profile = z.infer<typeof ProfileSchema>;

/** The name the person goes by; encrypted at rest. */
export const PROFILE_SENSITIVE_FIELDS: readonly (keyof ProfileFields)[] = Object.freeze(['displayName']);
