import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { KakeiboError } from '@kakeibo/core';

/**
 * Request bodies are read whole (they are bounded) so that the exact bytes as sent can be checked
 * against the signed Content-Digest, which covers the body as transferred, i.e. still gzip-compressed
 * when the client compressed it (RFC 9530 §2).
 */
export async function readRaw(stream: NodeJS.ReadableStream, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buf.length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

/** Undoes Content-Encoding: gzip, never inflating past the limit (a zip bomb is refused, not decoded). */
export function decodeBody(raw: Buffer, encoding: string | undefined, limit: number): Buffer {
  const coding = (encoding ?? 'identity').trim().toLowerCase();
  if (coding === 'identity' || coding === '') return raw;
  if (coding !== 'gzip') {
    throw new KakeiboError(
      'request.unsupported_encoding',
      `Content-Encoding ${coding} is not supported: send the body as it is or gzip-compressed.`,
    );
  }
  try {
    return gunzipSync(raw, { maxOutputLength: limit });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(limit);
    throw new KakeiboError('request.bad_encoding', 'The request body is not valid gzip.');
  }
}

/** A stream Fastify reads the decoded body from; it compares the *encoded* size with Content-Length. */
export function decodedStream(decoded: Buffer, encodedLength: number): Readable {
  const stream = Readable.from([decoded]) as Readable & { receivedEncodedLength?: number };
  stream.receivedEncodedLength = encodedLength;
  return stream;
}

const tooLarge = (limit: number) =>
  new KakeiboError(
    'request.too_large',
    `The request body is larger than ${limit} bytes: send fewer items per request.`,
    {
      limit,
    },
  );

/** `a=1&b=2` as a plain object (the last value of a repeated key wins), for zod to validate. */
export function parseQuery(query: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(query)) out[key] = value;
  return out;
}
