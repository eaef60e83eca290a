import { KakeiboError } from '@kakeibo/core';
import { localConfig } from './local/config.js';
import { localDestination } from './local/destination.js';
import { type S3Options, s3Config } from './s3/config.js';
import { s3Destination } from './s3/destination.js';
import type { Destination } from './types.js';
import { type WebdavOptions, webdavConfig } from './webdav/config.js';
import { webdavDestination } from './webdav/destination.js';

export type { Destination } from './types.js';

export interface DestinationOptions {
  s3?: S3Options;
  webdav?: WebdavOptions;
}

/**
 * The destination a DEST argument names: `s3://bucket/prefix`, `webdav+https://…` /
 * `webdav+http://…`, `file:///path` or a plain path. A bad one is `backup.bad_destination`, in a
 * message that never repeats credentials.
 */
export function openDestination(target: string, options: DestinationOptions = {}): Destination {
  const bad = (why: string) =>
    new KakeiboError('backup.bad_destination', `invalid backup destination: ${why}`);
  if (target.startsWith('s3://')) {
    const parsed = s3Config(target, options.s3 ?? {});
    if (!parsed.success)
      throw bad(`${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
    return s3Destination(parsed.data);
  }
  if (target.startsWith('webdav+http://') || target.startsWith('webdav+https://')) {
    const parsed = webdavConfig(target, options.webdav ?? {});
    if (!parsed.success)
      throw bad(`${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
    return webdavDestination(parsed.data);
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target) && !target.startsWith('file://'))
    throw bad(
      `unknown scheme in ${target.split('://')[0]}:// (use a path, s3://, webdav+https:// or webdav+http://)`,
    );
  return localDestination(localConfig(target));
}
