import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { KakeiboError } from '@kakeibo/core';
import { AwsClient } from 'aws4fetch';
import { type Destination, sortByName } from '../types.js';
import type { S3Config } from './config.js';

/**
 * S3 and S3-compatible stores over plain fetch, signed with AWS Signature V4 (aws4fetch). A PUT is
 * atomic in S3 (an object appears whole or not at all), so pieces go straight to their names; the
 * payload's SHA-256, already known, is signed too, so the store refuses a body damaged on the way.
 */
export function s3Destination(config: S3Config): Destination {
  const aws = new AwsClient({
    accessKeyId: config.accessKeyId,
    secretAccessKey: config.secretAccessKey,
    ...(config.sessionToken && { sessionToken: config.sessionToken }),
    service: 's3',
    region: config.region,
    retries: 0,
  });
  const base = config.endpoint
    ? `${config.endpoint.replace(/\/$/, '')}/${config.bucket}`
    : `https://${config.bucket}.s3.${config.region}.amazonaws.com`;
  const keyOf = (name: string) => `${config.prefix}${name}`;
  const objectUrl = (name: string) => `${base}/${keyOf(name).split('/').map(encodeURIComponent).join('/')}`;
  const call = async (
    what: string,
    url: string,
    init: RequestInit & { duplex?: 'half' },
    expect: number[],
  ) => {
    const signed = await aws.sign(url, init);
    // A streamed body needs `duplex` on the fetch itself (undici); the signed Request carries the rest.
    const response = await fetch(signed, init.duplex ? ({ duplex: init.duplex } as RequestInit) : undefined);
    if (!expect.includes(response.status)) {
      const text = await response.text().catch(() => '');
      const code = /<Code>([^<]*)<\/Code>/.exec(text)?.[1] ?? `HTTP ${response.status}`;
      throw new KakeiboError(
        'backup.destination_failed',
        `S3 ${init.method ?? 'GET'} ${what} failed: ${code}`,
      );
    }
    return response;
  };
  return {
    location: `s3://${config.bucket}/${config.prefix}`,
    async put(name, file, bytes, sha256) {
      await call(
        keyOf(name),
        objectUrl(name),
        {
          method: 'PUT',
          headers: { 'content-length': String(bytes), 'x-amz-content-sha256': sha256 },
          body: Readable.toWeb(createReadStream(file)) as ReadableStream,
          duplex: 'half',
        },
        [200],
      );
    },
    async get(name) {
      const response = await call(keyOf(name), objectUrl(name), { method: 'GET' }, [200, 404]);
      if (response.status === 404 || !response.body) {
        await response.body?.cancel();
        return null;
      }
      return Readable.fromWeb(response.body as import('node:stream/web').ReadableStream);
    },
    async list(prefix) {
      const found: Array<{ name: string; bytes: number }> = [];
      let token: string | undefined;
      do {
        const query = new URLSearchParams({ 'list-type': '2', prefix: keyOf(prefix) });
        if (token) query.set('continuation-token', token);
        const text = await (
          await call(`list ${keyOf(prefix)}`, `${base}?${query}`, { method: 'GET' }, [200])
        ).text();
        for (const [, body] of text.matchAll(/<Contents>([\s\S]*?)<\/Contents>/g)) {
          const key = xmlText(/<Key>([\s\S]*?)<\/Key>/.exec(body ?? '')?.[1] ?? '');
          const size = Number(/<Size>(\d+)<\/Size>/.exec(body ?? '')?.[1] ?? 0);
          if (key.startsWith(config.prefix))
            found.push({ name: key.slice(config.prefix.length), bytes: size });
        }
        const truncated = /<IsTruncated>true<\/IsTruncated>/.test(text);
        token = truncated
          ? xmlText(/<NextContinuationToken>([\s\S]*?)<\/NextContinuationToken>/.exec(text)?.[1] ?? '')
          : undefined;
      } while (token);
      return sortByName(found);
    },
    async delete(name) {
      await call(keyOf(name), objectUrl(name), { method: 'DELETE' }, [200, 204, 404]);
    },
  };
}

const xmlText = (text: string) =>
  text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&amp;/g, '&');
