import type { ParseImportOptions } from '../options.js';
import type { ImportFormat, ImportPreview } from '../preview.js';

/**
 * What every format folder provides (formats/csv, qif, ofx, camt, each with detect.ts and parse.ts):
 * a new format is a sibling folder with the same two files and one line in formats/index.ts.
 */
export interface FormatReader {
  readonly format: ImportFormat;
  /**
   * How sure (0 to 1) it is that a file starting with `head` (its first bytes as Latin-1 text, enough
   * for ASCII markers) is in this format. 0 means surely not.
   */
  detect(head: string): number;
  /** Bytes -> preview. Throws a KakeiboError (code "import.*") for a file it cannot read at all. */
  parse(bytes: Uint8Array, options: ParseImportOptions): ImportPreview;
}
