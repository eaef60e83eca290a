import {
  KakeiboError,
  type ProfileCreate,
  ProfileCreateSchema,
  type ProfilePatch,
  ProfilePatchSchema,
} from '@kakeibo/core';
import type { MaterializedRow } from '../store/types.js';
import { Collection, type WriteContext } from './collection.js';

/**
 * The account's one profile row (display name, home currency, locale, first day of the week). Every
 * device writes it under the same row id and creation time, so two devices that set it up
 * independently write one row, field by field, and no conflict.
 */
export const PROFILE_ROW_ID = '00000000-0000-7000-8000-000000000001';
const PROFILE_CREATED_AT = '1970-01-01T00:00:00.000Z';

export function profileApi(ctx: WriteContext) {
  const rows = new Collection<ProfileCreate, ProfilePatch>(
    'profile',
    { create: ProfileCreateSchema, patch: ProfilePatchSchema },
    ctx,
  );
  const get = async (): Promise<MaterializedRow | null> => rows.get(PROFILE_ROW_ID);
  return {
    get,
    /** Creates the profile the first time (every field but weekStartsOn needed), changes it after. */
    async set(values: ProfilePatch): Promise<MaterializedRow> {
      if (await get()) return rows.update(PROFILE_ROW_ID, values);
      const [created] = await rows.createWithIds([
        { id: PROFILE_ROW_ID, createdAt: PROFILE_CREATED_AT, input: values as ProfileCreate },
      ]);
      return created as MaterializedRow;
    },
    /** The currency totals are converted into (the profile's defaultCurrency). */
    async homeCurrency(): Promise<string> {
      const profile = await get();
      if (!profile) {
        throw new KakeiboError(
          'profile.missing',
          'No home currency yet: set one with kb.profile.set({ defaultCurrency, … }) or pass homeCurrency.',
        );
      }
      return String(profile.defaultCurrency);
    },
  };
}
