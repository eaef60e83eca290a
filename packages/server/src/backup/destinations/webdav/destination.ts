import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadable } from 'node:stream/web';
import { KakeiboError } from '@kakeibo/core';
import { type Destination, PARTIAL_MARK, sortByName } from '../types.js';
import type { WebdavConfig } from './config.js';

/**
 * A folder on a WebDAV server with plain HTTP: PUT to a temporary name, then MOVE it into place (a
 * PUT may be stored as it arrives, so a killed upload could otherwise leave a part under the real
 * name); GET, PROPFIND (depth 1) to list, DELETE, and MKCOL for the folders.
 */
export function webdavDestination(config: WebdavConfig): Destination {
  const auth =
    config.username !== undefined
      ? `Basic ${Buffer.from(`${config.username}:${config.password ?? ''}`).toString('base64')}`
      : undefined;
  const urlOf = (name: string) =>
    new URL(name.split('/').map(encodeURIComponent).join('/'), config.url).toString();
  const made = new Set<string>();
  const call = async (
    what: string,
    method: string,
    url: string,
    expect: number[],
    init: { headers?: Record<string, string>; body?: ReadableStream | string } = {},
  ) => {
    const response = await fetch(url, {
      method,
      headers: { ...(auth && { authorization: auth }), ...init.headers },
      ...(init.body !== undefined && { body: init.body }),
      ...(init.body instanceof ReadableStream && { duplex: 'half' }),
    } as RequestInit);
    if (!expect.includes(response.status)) {
      await response.body?.cancel();
      throw new KakeiboError(
        'backup.destination_failed',
        `WebDAV ${method} ${what} failed: HTTP ${response.status}`,
      );
    }
    return response;
  };
  /** Every folder from the root down to the one holding `name` (405: it exists already). */
  const folders = async (name: string) => {
    const parts = name.split('/').slice(0, -1);
    const paths = ['', ...parts.map((_, i) => `${parts.slice(0, i + 1).join('/')}/`)];
    for (const path of paths) {
      if (made.has(path)) continue;
      const response = await call(
        path || '/',
        'MKCOL',
        new URL(path, config.url).toString(),
        [201, 405, 301],
      );
      await response.body?.cancel();
      made.add(path);
    }
  };
  return {
    location: config.url,
    async put(name, file, bytes) {
      await folders(name);
      const temp = `${name}${PARTIAL_MARK}${randomBytes(6).toString('hex')}`;
      const put = await call(name, 'PUT', urlOf(temp), [200, 201, 204], {
        headers: { 'content-length': String(bytes), 'content-type': 'application/octet-stream' },
        body: Readable.toWeb(createReadStream(file)) as unknown as ReadableStream,
      });
      await put.body?.cancel();
      const moved = await call(name, 'MOVE', urlOf(temp), [201, 204], {
        headers: { destination: urlOf(name), overwrite: 'T' },
      });
      await moved.body?.cancel();
    },
    async get(name) {
      const response = await call(name, 'GET', urlOf(name), [200, 404]);
      if (response.status === 404 || !response.body) {
        await response.body?.cancel();
        return null;
      }
      return Readable.fromWeb(response.body as unknown as WebReadable);
    },
    async list(prefix) {
      const folder = prefix.endsWith('/') ? prefix : `${prefix}/`;
      const response = await call(folder, 'PROPFIND', new URL(folder, config.url).toString(), [207, 404], {
        headers: { depth: '1', 'content-type': 'application/xml' },
        body: '<?xml version="1.0"?><propfind xmlns="DAV:"><prop><getcontentlength/><resourcetype/></prop></propfind>',
      });
      if (response.status === 404) {
        await response.body?.cancel();
        return [];
      }
      const text = await response.text();
      const base = new URL(folder, config.url).pathname;
      const found: Array<{ name: string; bytes: number }> = [];
      for (const [, body = ''] of text.matchAll(
        /<(?:[\w-]+:)?response\b[^>]*>([\s\S]*?)<\/(?:[\w-]+:)?response>/g,
      )) {
        if (/<(?:[\w-]+:)?collection\b/.test(body)) continue;
        const href = /<(?:[\w-]+:)?href>([\s\S]*?)<\/(?:[\w-]+:)?href>/.exec(body)?.[1]?.trim() ?? '';
        const path = decodeURIComponent(new URL(href, config.url).pathname);
        const bytes = Number(/<(?:[\w-]+:)?getcontentlength>(\d+)</.exec(body)?.[1] ?? 0);
        const entry = path.startsWith(decodeURIComponent(base))
          ? path.slice(decodeURIComponent(base).length)
          : '';
        if (!entry || entry.includes('/') || entry.includes(PARTIAL_MARK)) continue;
        found.push({ name: `${folder}${entry}`, bytes });
      }
      return sortByName(found);
    },
    async delete(name) {
      const response = await call(name, 'DELETE', urlOf(name), [200, 204, 404]);
      await response.body?.cancel();
    },
  };
}
