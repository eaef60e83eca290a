import { KakeiboError } from '../errors.js';
import { chooseReader } from './detect.js';
import { type ParseImportOptions, ParseImportOptionsSchema } from './options.js';
import type { ImportPreview } from './preview.js';

/**
 * A bank file's bytes -> its preview, on the device: the format detected (or given), then read by that
 * format's reader. Options override what would otherwise be detected. Throws a KakeiboError with an
 * "import.*" code when the file cannot be read at all; anything less is a warning in the preview.
 */
export function parseImport(bytes: Uint8Array, options: ParseImportOptions = {}): ImportPreview {
  const parsed = ParseImportOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new KakeiboError(
      'import.invalid_options',
      `invalid import option ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`,
    );
  }
  const checked = parsed.data;
  const { reader } = chooseReader(bytes, checked.format);
  return reader.parse(bytes, checked);
}

export * from './amounts.js';
export * from './dates.js';
export { rankFormats } from './detect.js';
export * from './duplicates.js';
export { type DecodedText, decodeBytes } from './encoding.js';
export * from './options.js';
export * from './payees.js';
export * from './preview.js';
export * from './summary.js';
