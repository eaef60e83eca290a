/*
 * The OFX header, whatever its layout: OFX 1's KEY:VALUE lines (one per line, or several on one line,
 * with any line ends) before the first '<', or OFX 2's <?xml?> and <?OFX?> processing instructions.
 */

export interface OfxHeader {
  /** 1 for SGML (OFXHEADER:100), 2 for XML (OFXHEADER="200"). */
  version: 1 | 2;
  /** VERSION, e.g. "102", "200". */
  specVersion: string | null;
  /** The character set the header declares, as a label for TextDecoder, or null. */
  charset: string | null;
}

export function readOfxHeader(text: string): OfxHeader {
  const start = text.replace(/^\ufeff/, '');
  const ofxPi = /<\?OFX\s([^?]*)\?>/i.exec(start);
  if (ofxPi || /^\s*<\?xml/i.test(start)) {
    const attrs = Object.fromEntries(
      [...(ofxPi?.[1] ?? '').matchAll(/(\w+)\s*=\s*"([^"]*)"/g)].map((m) => [
        String(m[1]).toUpperCase(),
        m[2],
      ]),
    );
    const xmlEncoding = /<\?xml[^>]*encoding\s*=\s*["']([^"']+)["']/i.exec(start)?.[1] ?? null;
    return {
      version: 2,
      specVersion: attrs.VERSION ?? null,
      charset: xmlEncoding,
    };
  }
  const body = start.indexOf('<');
  const head = body < 0 ? start : start.slice(0, body);
  const fields = Object.fromEntries(
    [...head.matchAll(/([A-Za-z]+)\s*:\s*([^\s<]*)/g)].map((m) => [String(m[1]).toUpperCase(), m[2] ?? '']),
  );
  const encoding = (fields.ENCODING ?? '').toUpperCase();
  const charset = (fields.CHARSET ?? '').toUpperCase();
  let label: string | null = null;
  if (encoding.replace('-', '') === 'UTF8') label = 'utf-8';
  else if (charset && charset !== 'NONE') label = charset;
  return {
    version: 1,
    specVersion: fields.VERSION ?? null,
    charset: label,
  };
}
