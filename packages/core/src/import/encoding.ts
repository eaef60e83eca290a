/*
 * Bytes -> text with the standard TextDecoder (utf-8, windows-1252, shift_jis, euc-jp, utf-16 in Node 20
 * and every browser). A byte-order mark or a label the file declares (OFX CHARSET, <?xml encoding?>)
 * goes first; otherwise the bytes are tried as UTF-8, and failing that as the Japanese encodings and as
 * Windows-1252, keeping whichever reads as real text.
 */

export interface DecodedText {
  text: string;
  /** The WHATWG name of the encoding used, e.g. "utf-8", "windows-1252", "shift_jis". */
  encoding: string;
  /** Why this encoding (a BOM, the file's declaration, detection). */
  reason: string;
}

// Windows-1252's bytes 0x80-0x9F (WHATWG), which Node 20's TextDecoder decodes as Latin-1's C1 controls.
const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

function decode(bytes: Uint8Array, label: string, fatal: boolean): string | null {
  try {
    const decoder = new TextDecoder(label, { fatal, ignoreBOM: false });
    const text = decoder.decode(bytes);
    // Browsers already map these; Node gives U+0080-U+009F, which no Western text contains.
    return decoder.encoding === 'windows-1252'
      ? text.replace(/[\u0080-\u009f]/g, (c) => CP1252_HIGH.charAt(c.charCodeAt(0) - 0x80))
      : text;
  } catch {
    return null;
  }
}

/** The WHATWG encoding for a label ("1252", "8859-1", "UTF-8", "Shift-JIS", "csWindows31J"), or null. */
export function encodingForLabel(label: string): string | null {
  const cleaned = label.trim().replace(/^["']|["']$/g, '');
  // OFX 1 writes CHARSET:1252 and CHARSET:8859-1, labels TextDecoder does not know by themselves.
  const aliases: Record<string, string> = {
    '1252': 'windows-1252',
    '8859-1': 'iso-8859-1',
    usascii: 'utf-8',
  };
  const name = aliases[cleaned.toLowerCase()] ?? cleaned;
  try {
    return new TextDecoder(name).encoding;
  } catch {
    return null;
  }
}

function bomEncoding(bytes: Uint8Array): string | null {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  return null;
}

const hasHighBytes = (bytes: Uint8Array) => bytes.some((b) => b >= 0x80);

/**
 * How much a decoding reads like Japanese: kana and ideographs in runs score; an ideograph alone between
 * Latin letters (what "prépayée" becomes when read as Shift_JIS) and half-width katakana (what accented
 * capitals become) count against it.
 */
function japaneseScore(text: string): number {
  let score = 0;
  const chars = [...text];
  for (let i = 0; i < chars.length; i += 1) {
    const c = chars[i] ?? '';
    const prev = chars[i - 1] ?? '';
    const next = chars[i + 1] ?? '';
    if (/[\u3040-\u30ff]/.test(c)) score += 2;
    else if (/[\u4e00-\u9fff\u3000-\u303f\uff01-\uff5e]/.test(c)) {
      score += /[A-Za-z]/.test(prev) && /[A-Za-z]/.test(next) ? -2 : 1;
    } else if (/[\uff61-\uff9f]/.test(c)) score -= 1;
    else if (/[\ue000-\uf8ff\ufffd]/.test(c)) score -= 3;
  }
  return score;
}

/** Latin-1 letters (é, ü, ß) next to ASCII letters: what Western European text looks like in 1252. */
function latinScore(text: string): number {
  const matches = text.match(/[A-Za-z][\u00c0-\u00ff]|[\u00c0-\u00ff][A-Za-z]/g);
  const odd = text.match(/[\u0080-\u009f]/g); // C1 controls: 1252 maps these bytes to nothing useful
  return (matches?.length ?? 0) - 2 * (odd?.length ?? 0);
}

/** Decodes a file's bytes. `declared` is the label the file itself states, if any. */
export function decodeBytes(bytes: Uint8Array, declared?: string | null): DecodedText {
  const bom = bomEncoding(bytes);
  if (bom) {
    return { text: decode(bytes, bom, false) ?? '', encoding: bom, reason: 'byte-order mark' };
  }
  const utf8 = decode(bytes, 'utf-8', true);
  const declaredEncoding = declared ? encodingForLabel(declared) : null;
  if (declaredEncoding && declaredEncoding !== 'utf-8') {
    // A file that says it is single-byte but is valid UTF-8 with non-ASCII characters was re-encoded
    // on its way (a common bank-export bug): UTF-8 is what reads it right.
    if (utf8 !== null && hasHighBytes(bytes) && declaredEncoding === 'windows-1252') {
      return { text: utf8, encoding: 'utf-8', reason: `declared ${declared}, but the bytes are UTF-8` };
    }
    const text = decode(bytes, declaredEncoding, false);
    if (text !== null) return { text, encoding: declaredEncoding, reason: `declared ${declared}` };
  }
  if (utf8 !== null) {
    return { text: utf8, encoding: 'utf-8', reason: hasHighBytes(bytes) ? 'valid UTF-8' : 'ASCII' };
  }
  const latin = decode(bytes, 'windows-1252', false) ?? '';
  let best: DecodedText = {
    text: latin,
    encoding: 'windows-1252',
    reason: 'not UTF-8; read as Windows-1252',
  };
  let bestScore = latinScore(latin);
  for (const label of ['shift_jis', 'euc-jp']) {
    const text = decode(bytes, label, true);
    if (text === null) continue;
    const score = japaneseScore(text);
    if (score > bestScore) {
      best = { text, encoding: label, reason: `not UTF-8; reads as Japanese text in ${label}` };
      bestScore = score;
    }
  }
  return best;
}

/** The first bytes as Latin-1 text (UTF-16 when marked so): enough to see a format's ASCII markers. */
export function sniffText(bytes: Uint8Array, length = 4096): string {
  const bom = bomEncoding(bytes);
  // UTF-16 has a NUL beside every ASCII character: read it as what it is.
  const label = bom?.startsWith('utf-16') ? bom : 'windows-1252';
  return decode(bytes.subarray(0, length), label, false) ?? '';
}
