import { KakeiboError } from '../errors.js';
import { sniffText } from './encoding.js';
import { FORMAT_READERS, type FormatReader } from './formats/index.js';
import type { ImportFormat } from './preview.js';

export interface FormatGuess {
  format: ImportFormat;
  /** 0 to 1: how sure the format's own detector is. */
  confidence: number;
}

/** Every format's confidence that `bytes` are in it, most likely first. */
export function rankFormats(bytes: Uint8Array): FormatGuess[] {
  const head = sniffText(bytes);
  return FORMAT_READERS.map((reader) => ({ format: reader.format, confidence: reader.detect(head) })).sort(
    (a, b) => b.confidence - a.confidence,
  );
}

/** The reader for `bytes`: the named format, or the one most sure of itself; an error when none is. */
export function chooseReader(
  bytes: Uint8Array,
  format?: ImportFormat,
): { reader: FormatReader; confidence: number } {
  if (format) {
    const reader = FORMAT_READERS.find((r) => r.format === format) as FormatReader;
    return { reader, confidence: 1 };
  }
  const [best] = rankFormats(bytes);
  if (!best || best.confidence <= 0.1) {
    throw new KakeiboError(
      'import.unknown_format',
      'not a bank file we can read: expected CSV, QIF, OFX/QFX or CAMT.053 (or name the format with --format)',
    );
  }
  return {
    reader: FORMAT_READERS.find((r) => r.format === best.format) as FormatReader,
    confidence: best.confidence,
  };
}
