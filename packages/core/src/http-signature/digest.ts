import { KakeiboError } from '../errors.js';
import { MAX_SIGNATURE_HEADER_LENGTH } from './base.js';
import { parseDictionary, serializeByteSequence } from './structured-fields.js';

/** RFC 9530 Content-Digest with sha-256 of the exact body bytes. */

const encoder = new TextEncoder();

export const bodyBytes = (body: Uint8Array | string | undefined): Uint8Array =>
  typeof body === 'string' || body === undefined ? encoder.encode(body ?? '') : body;

const sha256 = async (bytes: Uint8Array): Promise<Uint8Array> =>
  new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', bytes));

/** The Content-Digest header value for a body: `sha-256=:<base64>:` (the empty body's digest when there is none). */
export async function contentDigest(body: Uint8Array | string): Promise<string> {
  return `sha-256=${serializeByteSequence(await sha256(bodyBytes(body)))}`;
}

/**
 * Checks a received Content-Digest against the body. Its `sha-256` member is required; members for
 * other algorithms are ignored (RFC 9530 §2 lets a recipient skip algorithms it does not use).
 */
export async function checkContentDigest(header: string, body: Uint8Array | string): Promise<void> {
  if (header.length > MAX_SIGNATURE_HEADER_LENGTH) {
    throw new KakeiboError(
      'signature.malformed',
      `The Content-Digest header is longer than ${MAX_SIGNATURE_HEADER_LENGTH} characters.`,
    );
  }
  const member = parseDictionary(header, 'Content-Digest').get('sha-256');
  if (member?.kind !== 'item' || !(member.value instanceof Uint8Array)) {
    throw new KakeiboError('signature.malformed', 'The Content-Digest header has no sha-256 byte sequence.');
  }
  const expected = await sha256(bodyBytes(body));
  const given = member.value;
  if (given.length !== expected.length || given.some((byte, i) => byte !== expected[i])) {
    throw new KakeiboError(
      'signature.digest_mismatch',
      'The Content-Digest does not match the request body.',
    );
  }
}
