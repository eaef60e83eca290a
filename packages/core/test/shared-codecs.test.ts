import { describe, expect, it } from 'vitest';
import { formatStamp } from '../src/clock/index.js';
import { fromBase64Url, KEY_BYTES, requireKeyBytes, toBase64Url } from '../src/encoding/index.js';
import {
  decodeConflictBody,
  decodeKeysetCursor,
  ENTITY_ROUTES,
  encodeConflictBody,
  encodeKeysetCursor,
  ROUTES,
  routeUrl,
} from '../src/protocol/index.js';

describe('the route table', () => {
  it('gives every route one method and path, none twice', () => {
    const all = [...Object.values(ROUTES), ...Object.values(ENTITY_ROUTES).flatMap((r) => [r.list, r.get])];
    const keys = all.map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(ROUTES.push).toMatchObject({ method: 'POST', path: '/v1/sync/push', auth: 'session' });
    expect(ROUTES.refresh.auth).toBe('device-signed');
    expect(ENTITY_ROUTES.expenses.get.path).toBe('/v1/expenses/:id');
  });

  it('builds the path and query a call signs', () => {
    expect(routeUrl(ROUTES.pull, undefined, { after: 12, limit: 500 })).toBe(
      '/v1/sync/pull?after=12&limit=500',
    );
    expect(routeUrl(ROUTES.snapshot, undefined, { watermark: 3, cursor: 'a/b+c', limit: 10 })).toBe(
      '/v1/sync/snapshot?watermark=3&cursor=a%2Fb%2Bc&limit=10',
    );
    expect(routeUrl(ROUTES.snapshot, undefined, { cursor: undefined, limit: 10 })).toBe(
      '/v1/sync/snapshot?limit=10',
    );
    expect(routeUrl(ROUTES.checksum)).toBe('/v1/sync/checksum');
    expect(routeUrl(ENTITY_ROUTES.expenses.get, { id: 'x/y' })).toBe('/v1/expenses/x%2Fy');
    expect(() => routeUrl(ENTITY_ROUTES.expenses.get)).toThrow(/path parameter id/);
  });
});

describe('keyset cursors', () => {
  it('round-trip any position, unicode included', () => {
    for (const position of [
      ['2026-01-02', 'abc'],
      ['', 'id', 'expenses'],
      ['日付', '€', '\u0000'],
    ]) {
      const cursor = encodeKeysetCursor(position);
      expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(decodeKeysetCursor(cursor, position.length, 'x.bad_cursor')).toEqual(position);
    }
  });

  it('refuses anything that is not a cursor of the expected length, with the caller’s code', () => {
    const two = encodeKeysetCursor(['a', 'b']);
    for (const bad of ['', '!!!', 'a+b/', two.slice(1), toBase64Url(new TextEncoder().encode('{"a":1}'))]) {
      expect(() => decodeKeysetCursor(bad, 2, 'store.bad_cursor')).toThrow(
        expect.objectContaining({ code: 'store.bad_cursor' }),
      );
    }
    expect(() => decodeKeysetCursor(two, 3, 'request.bad_cursor')).toThrow(
      expect.objectContaining({ code: 'request.bad_cursor' }),
    );
    const numbers = toBase64Url(new TextEncoder().encode('[1,2]'));
    expect(() => decodeKeysetCursor(numbers, 2, 'c')).toThrow(expect.objectContaining({ code: 'c' }));
  });
});

describe('base64url', () => {
  it('decodes what it encodes and nothing in the standard alphabet', () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(fromBase64Url(toBase64Url(bytes))).toEqual(bytes);
    expect(fromBase64Url('-_8')).toEqual(Uint8Array.from([0xfb, 0xff]));
    expect(fromBase64Url('+/8')).toBeUndefined();
    expect(fromBase64Url('a')).toBeUndefined();
  });
});

describe('requireKeyBytes', () => {
  it('passes a 32-byte key and names any other length with the caller’s code', () => {
    expect(() =>
      requireKeyBytes(new Uint8Array(KEY_BYTES), { name: 'store key', code: 'store.bad_key' }),
    ).not.toThrow();
    expect(() => requireKeyBytes(new Uint8Array(31), { name: 'store key', code: 'store.bad_key' })).toThrow(
      expect.objectContaining({ code: 'store.bad_key', message: 'The store key must be 32 bytes, got 31.' }),
    );
  });
});

describe('conflict bodies', () => {
  const side = (n: number) => ({
    value: n,
    stamp: formatStamp({ wallMs: 1_700_000_000_000 + n, counter: 0, deviceId: 'aaaaaaaaaaaaaaaa' }),
    deviceId: 'aaaaaaaaaaaaaaaa',
  });

  it('keep exactly the two sides', () => {
    const text = encodeConflictBody({ winner: side(2), loser: side(1) });
    expect(JSON.parse(text)).toEqual({ winner: side(2), loser: side(1) });
    expect(decodeConflictBody(text)).toEqual({ winner: side(2), loser: side(1) });
  });

  it('refuse a damaged body as store.corrupt', () => {
    for (const bad of [
      '',
      '{',
      '{}',
      JSON.stringify({ winner: side(1) }),
      JSON.stringify({ winner: 1, loser: 2 }),
    ]) {
      expect(() => decodeConflictBody(bad)).toThrow(expect.objectContaining({ code: 'store.corrupt' }));
    }
  });
});
