import { detectDelimiter } from './table.js';

/**
 * CSV is what is left when nothing else claims a file: rows of text with one delimiter used the
 * same number of times on most lines. Markup or binary bytes rule it out.
 */
export function detectCsv(head: string): number {
  const text = head.replace(/^\ufeff/, '');
  // Markup, JSON and the other formats' openings are not CSV.
  if (/^\s*[<{[]/.test(text) || /^\s*!(Type|Account|Option)/i.test(text) || /^\s*OFXHEADER/i.test(text))
    return 0;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL and other controls mean binary data
  if (/[\u0000-\u0008\u000e-\u001a]/.test(text)) return 0;
  const found = detectDelimiter(text);
  return found.consistency >= 0.8 ? 0.6 : found.consistency >= 0.5 ? 0.4 : 0.1;
}
