import { fromBase64Url, toBase64Url } from '../encoding/base64.js';
import { KakeiboError } from '../errors.js';

/**
 * The opaque cursor of a keyset-paginated list (the device's lists and the server's read API): the
 * sort key of a page's last row, as base64url of its JSON array. Opaque to callers, who only hand it
 * back; checked when it returns, so a cursor that is not one of ours is a clear error, not a query.
 */
export function encodeKeysetCursor(position: readonly string[]): string {
  return toBase64Url(new TextEncoder().encode(JSON.stringify(position)));
}

/** The position of a cursor of `length` parts, or `code` ("start again from the first page"). */
export function decodeKeysetCursor(cursor: string, length: number, code: string): string[] {
  const bytes = fromBase64Url(cursor);
  if (bytes) {
    try {
      const value: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
      if (Array.isArray(value) && value.length === length && value.every((v) => typeof v === 'string')) {
        return value as string[];
      }
    } catch {
      // fall through: not our cursor
    }
  }
  throw new KakeiboError(code, 'The page cursor is not valid: start again from the first page.');
}
