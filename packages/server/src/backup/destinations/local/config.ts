import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** A local folder: a plain path, or a `file://` URL. Created (0700) when missing. */
export const LocalConfigSchema = z.strictObject({ root: z.string().min(1) });
export type LocalConfig = z.infer<typeof LocalConfigSchema>;

export function localConfig(target: string): LocalConfig {
  const root = target.startsWith('file://') ? fileURLToPath(target) : target;
  return LocalConfigSchema.parse({ root: resolve(root) });
}
