import { createPublicKey, verify as nodeVerify } from 'node:crypto';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { KakeiboError } from '../src/errors.js';
import {
  algForJwk,
  contentDigest,
  type DeviceKeyPair,
  fieldLinesOf,
  generateDeviceKeyPair,
  importDevicePrivateKey,
  type JsonWebKey,
  type RequestToSign,
  type RequestToVerify,
  SIGNATURE_WINDOW_SECONDS,
  type SignatureAlg,
  type SignatureInput,
  serializeSignatureParams,
  signatureBase,
  signRequest,
  type VerifyOptions,
  verifyRequest,
} from '../src/http-signature/index.js';

const ALGS: SignatureAlg[] = ['ecdsa-p256-sha256', 'ed25519'];
const KEY_ID = 'a1b2c3d4e5f60718';
const NOW = 1_732_500_000_000; // ms
const CREATED = NOW / 1000;
const NONCE = 'n0nce-n0nce-n0nce-n0nc';
const HELLO_SHA256 = 'LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=';
const EMPTY_SHA256 = '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=';

/** Awaits a rejection and checks it is a KakeiboError with `code` and a one-sentence message. */
async function rejection(promise: Promise<unknown>, code: string): Promise<KakeiboError> {
  const error = await promise.then(
    () => {
      throw new Error(`expected ${code}, but it resolved`);
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KakeiboError);
  const k = error as KakeiboError;
  expect({ code: k.code, message: k.message }).toEqual({
    code,
    message: expect.stringMatching(/^[A-Z].*\.$/),
  });
  return k;
}

const POST: RequestToSign = {
  method: 'POST',
  path: '/v1/sync/push',
  query: '?after=42&limit=10',
  body: '{"ops":[]}',
  authorization: 'Bearer token-abc',
};

describe('contentDigest (RFC 9530)', () => {
  it('is sha-256 of the exact body bytes, as a structured byte sequence', async () => {
    expect(await contentDigest('hello')).toBe(`sha-256=:${HELLO_SHA256}:`);
    expect(await contentDigest(new TextEncoder().encode('hello'))).toBe(`sha-256=:${HELLO_SHA256}:`);
    expect(await contentDigest('')).toBe(`sha-256=:${EMPTY_SHA256}:`);
    expect(await contentDigest(new Uint8Array())).toBe(`sha-256=:${EMPTY_SHA256}:`);
  });

  it('encodes strings as UTF-8', async () => {
    const bytes = new TextEncoder().encode('¥1,000 ラーメン');
    expect(await contentDigest('¥1,000 ラーメン')).toBe(await contentDigest(bytes));
  });
});

describe('signature base (RFC 9421 §2.5)', () => {
  const input: SignatureInput = {
    components: ['@method', '@path', '@query', 'content-digest', 'authorization'],
    params: [
      ['created', 1732500000],
      ['nonce', NONCE],
      ['keyid', KEY_ID],
      ['alg', 'ecdsa-p256-sha256'],
    ],
  };
  const fields: Record<string, string> = {
    'content-digest': `sha-256=:${HELLO_SHA256}:`,
    authorization: 'Bearer token-abc',
  };
  const linesOf = (record: Record<string, string>) => (name: string) =>
    Object.hasOwn(record, name) ? [record[name] as string] : undefined;

  it('is one line per component, then @signature-params, without a trailing newline', () => {
    const base = signatureBase(
      { method: 'POST', path: '/v1/sync/push', query: '?after=42&limit=10', fieldLines: linesOf(fields) },
      input,
    );
    expect(base).toBe(
      [
        '"@method": POST',
        '"@path": /v1/sync/push',
        '"@query": ?after=42&limit=10',
        `"content-digest": sha-256=:${HELLO_SHA256}:`,
        '"authorization": Bearer token-abc',
        '"@signature-params": ("@method" "@path" "@query" "content-digest" "authorization");created=1732500000;nonce="n0nce-n0nce-n0nce-n0nc";keyid="a1b2c3d4e5f60718";alg="ecdsa-p256-sha256"',
      ].join('\n'),
    );
    expect(base).toBe(`"@method": POST
"@path": /v1/sync/push
"@query": ?after=42&limit=10
"content-digest": sha-256=:LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=:
"authorization": Bearer token-abc
"@signature-params": ("@method" "@path" "@query" "content-digest" "authorization");created=1732500000;nonce="n0nce-n0nce-n0nce-n0nc";keyid="a1b2c3d4e5f60718";alg="ecdsa-p256-sha256"`);
  });

  it('takes @method exactly as sent, never changing its case (§2.2.1)', () => {
    const base = signatureBase(
      { method: 'post', path: '/', query: '', fieldLines: linesOf(fields) },
      { components: ['@method'], params: [] },
    );
    expect(base).toBe('"@method": post\n"@signature-params": ("@method")');
  });

  it('gives "?" alone for an empty query (§2.2.7)', () => {
    const base = signatureBase(
      { method: 'GET', path: '/v1/sync/pull', query: '', fieldLines: linesOf(fields) },
      { components: ['@method', '@path', '@query', 'content-digest'], params: input.params },
    );
    expect(base.split('\n').slice(0, 4)).toEqual([
      '"@method": GET',
      '"@path": /v1/sync/pull',
      '"@query": ?',
      `"content-digest": sha-256=:${HELLO_SHA256}:`,
    ]);
  });

  it('serialises the parameters as the Signature-Input member, escaping strings', () => {
    expect(
      serializeSignatureParams({
        components: ['@method'],
        params: [
          ['created', 1],
          ['keyid', 'a"b\\c'],
        ],
      }),
    ).toBe('("@method");created=1;keyid="a\\"b\\\\c"');
  });

  it('refuses component values that could break the line structure', async () => {
    expect(() =>
      signatureBase({ method: 'GET', path: '/a\nb', query: '', fieldLines: () => undefined }, input),
    ).toThrowError(expect.objectContaining({ code: 'signature.malformed' }));
  });
});

describe('key handling', () => {
  it('maps JWK key types to algorithms and refuses others', async () => {
    expect(algForJwk({ kty: 'EC', crv: 'P-256' })).toBe('ecdsa-p256-sha256');
    expect(algForJwk({ kty: 'OKP', crv: 'Ed25519' })).toBe('ed25519');
    for (const jwk of [{ kty: 'EC', crv: 'P-384' }, { kty: 'RSA' }, { kty: 'OKP', crv: 'X25519' }, {}]) {
      await rejection(
        Promise.resolve().then(() => algForJwk(jwk)),
        'signature.unsupported_key',
      );
    }
  });

  it('defaults to ECDSA P-256 and exports only the public members', async () => {
    const pair = await generateDeviceKeyPair();
    expect(pair.alg).toBe('ecdsa-p256-sha256');
    expect(Object.keys(pair.publicKeyJwk).sort()).toEqual(['crv', 'kty', 'x', 'y']);
    expect(pair.privateKey.extractable).toBe(true);
    const ed = await generateDeviceKeyPair('ed25519');
    expect(Object.keys(ed.publicKeyJwk).sort()).toEqual(['crv', 'kty', 'x']);
  });

  it('refuses to import a private key for the wrong algorithm or without its private part', async () => {
    const ec = await generateDeviceKeyPair('ecdsa-p256-sha256');
    const jwk = (await globalThis.crypto.subtle.exportKey('jwk', ec.privateKey)) as JsonWebKey;
    await rejection(importDevicePrivateKey(jwk, 'ed25519'), 'signature.unsupported_key');
    await rejection(
      importDevicePrivateKey(ec.publicKeyJwk, 'ecdsa-p256-sha256'),
      'signature.unsupported_key',
    );
    await rejection(
      importDevicePrivateKey({ ...jwk, d: 'AAAA' }, 'ecdsa-p256-sha256'),
      'signature.unsupported_key',
    );
  });
});

describe.each(ALGS)('signed requests with %s', (alg) => {
  let pair: DeviceKeyPair;
  let other: DeviceKeyPair;
  let otherAlgPair: DeviceKeyPair;

  beforeAll(async () => {
    pair = await generateDeviceKeyPair(alg);
    other = await generateDeviceKeyPair(alg);
    otherAlgPair = await generateDeviceKeyPair(alg === 'ed25519' ? 'ecdsa-p256-sha256' : 'ed25519');
  });

  const lookup = async (keyId: string) => (keyId === KEY_ID ? { publicKeyJwk: pair.publicKeyJwk } : null);

  /** Signs `req` at NOW and returns it as the server receives it. */
  async function signed(
    req: RequestToSign,
    opts: { now?: number; nonce?: string } = {},
  ): Promise<RequestToVerify> {
    const headers = await signRequest(
      req,
      { privateKey: pair.privateKey, alg, keyId: KEY_ID },
      { now: NOW, nonce: NONCE, ...opts },
    );
    return {
      method: req.method,
      path: req.path,
      query: req.query,
      body: req.body ?? '',
      headers:
        req.authorization === undefined ? { ...headers } : { ...headers, authorization: req.authorization },
    };
  }

  const verify = (req: RequestToVerify, opts: VerifyOptions = {}) =>
    verifyRequest(req, lookup, { now: NOW, ...opts });

  /** Signs an arbitrary Signature-Input (for requests signRequest would never make). */
  async function signedCustom(
    req: RequestToVerify,
    input: SignatureInput,
    key = pair,
  ): Promise<RequestToVerify> {
    const base = signatureBase(
      {
        method: req.method,
        path: req.path,
        query: req.query,
        ...(req.authority !== undefined && { authority: req.authority }),
        fieldLines: fieldLinesOf(req.headers),
      },
      input,
    );
    const params = key.alg === 'ed25519' ? { name: 'Ed25519' } : { name: 'ECDSA', hash: 'SHA-256' };
    const sig = new Uint8Array(
      await globalThis.crypto.subtle.sign(params, key.privateKey, new TextEncoder().encode(base)),
    );
    const b64 = btoa(String.fromCharCode(...sig));
    return {
      ...req,
      headers: {
        ...req.headers,
        'signature-input': `sig1=${serializeSignatureParams(input)}`,
        signature: `sig1=:${b64}:`,
      },
    };
  }

  const params = (overrides: Record<string, string | number> = {}): Array<[string, string | number]> =>
    Object.entries({ created: CREATED, nonce: NONCE, keyid: KEY_ID, alg, ...overrides });

  describe('round trip', () => {
    it('signs and verifies a request with a body, a query and Authorization', async () => {
      const req = await signed(POST);
      expect(req.headers['content-digest']).toBe(await contentDigest(POST.body ?? ''));
      expect(req.headers['signature-input']).toBe(
        `sig1=("@method" "@path" "@query" "content-digest" "authorization");created=${CREATED};nonce="${NONCE}";keyid="${KEY_ID}";alg="${alg}"`,
      );
      expect(req.headers.signature).toMatch(/^sig1=:[A-Za-z0-9+/]{86}==:$/);
      expect(await verify(req, { requireAuthorization: true })).toEqual({
        keyId: KEY_ID,
        created: CREATED,
        nonce: NONCE,
        alg,
        label: 'sig1',
      });
    });

    it('signs and verifies a bodyless request without Authorization (digest of the empty body)', async () => {
      const req = await signed({ method: 'GET', path: '/v1/sync/pull', query: '' });
      expect(req.headers['content-digest']).toBe(`sha-256=:${EMPTY_SHA256}:`);
      expect(req.headers['signature-input']).toMatch(
        /^sig1=\("@method" "@path" "@query" "content-digest"\);created=\d+;nonce="[^"]+";keyid="[^"]+";alg="[^"]+"$/,
      );
      expect((await verify(req)).keyId).toBe(KEY_ID);
    });

    it('verifies with and without Authorization, with and without a query, for binary bodies', async () => {
      const binary = new Uint8Array([0, 255, 128, 10, 13, 34]);
      for (const authorization of [undefined, 'Bearer x.y.z']) {
        for (const query of ['', '?a=1&b=%20two&c']) {
          for (const body of [undefined, '', 'text body', binary]) {
            const req = await signed({ method: 'PUT', path: '/v1/blobs/9', query, body, authorization });
            expect((await verify(req)).alg).toBe(alg);
          }
        }
      }
    });

    it('makes a fresh 22+ character base64url nonce per request and uses the clock by default', async () => {
      const a = await signRequest(POST, { privateKey: pair.privateKey, alg, keyId: KEY_ID });
      const b = await signRequest(POST, { privateKey: pair.privateKey, alg, keyId: KEY_ID });
      const nonceOf = (h: string) => /;nonce="([^"]*)"/.exec(h)?.[1] ?? '';
      expect(nonceOf(a['signature-input'])).toMatch(/^[A-Za-z0-9_-]{22,}$/);
      expect(nonceOf(a['signature-input'])).not.toBe(nonceOf(b['signature-input']));
      const req = { ...POST, body: POST.body ?? '', headers: { ...a, authorization: POST.authorization } };
      expect((await verifyRequest(req, lookup)).nonce).toBe(nonceOf(a['signature-input']));
    });

    it('imports a device key once for many requests, and follows a key that changed under its id', async () => {
      const importKey = vi.spyOn(globalThis.crypto.subtle, 'importKey');
      try {
        const fresh = await generateDeviceKeyPair(alg);
        let current = fresh;
        const rotating = async (keyId: string) =>
          keyId === KEY_ID ? { publicKeyJwk: current.publicKeyJwk } : null;
        const signedBy = async (keys: DeviceKeyPair) => {
          const headers = await signRequest(
            { ...POST, authorization: undefined },
            { privateKey: keys.privateKey, alg, keyId: KEY_ID },
            { now: NOW, nonce: NONCE },
          );
          return { ...POST, body: POST.body ?? '', headers: { ...headers } };
        };
        importKey.mockClear();
        for (let i = 0; i < 5; i++) await verifyRequest(await signedBy(fresh), rotating, { now: NOW });
        expect(importKey).toHaveBeenCalledTimes(1);
        // The device now has another key under the same id: the old one must not verify any more.
        current = other;
        await rejection(verifyRequest(await signedBy(fresh), rotating, { now: NOW }), 'signature.invalid');
        await verifyRequest(await signedBy(other), rotating, { now: NOW });
      } finally {
        importKey.mockRestore();
      }
    });

    it('signs with a private key persisted as a JWK and imported again', async () => {
      const jwk = (await globalThis.crypto.subtle.exportKey('jwk', pair.privateKey)) as JsonWebKey;
      const restored = await importDevicePrivateKey(JSON.parse(JSON.stringify(jwk)), alg);
      const headers = await signRequest(POST, { privateKey: restored, alg, keyId: KEY_ID }, { now: NOW });
      const req = {
        ...POST,
        body: POST.body ?? '',
        headers: { ...headers, authorization: POST.authorization },
      };
      expect((await verify(req)).alg).toBe(alg);
    });

    it('accepts the key alg from lookup, array header values and mixed-case header names', async () => {
      const req = await signed(POST);
      const headers = {
        'Signature-Input': req.headers['signature-input'],
        SIGNATURE: [req.headers.signature as string],
        'content-digest': req.headers['content-digest'],
        authorization: req.headers.authorization,
      };
      const result = await verifyRequest(
        { ...req, headers },
        async () => ({ publicKeyJwk: pair.publicKeyJwk, alg }),
        {
          now: NOW,
        },
      );
      expect(result.alg).toBe(alg);
    });

    it('produces a signature over exactly the documented base (checked by node:crypto)', async () => {
      const req = await signed(POST);
      const base = `"@method": POST
"@path": /v1/sync/push
"@query": ?after=42&limit=10
"content-digest": sha-256=:${(await contentDigest(POST.body ?? '')).slice(9, -1)}:
"authorization": Bearer token-abc
"@signature-params": ("@method" "@path" "@query" "content-digest" "authorization");created=1732500000;nonce="${NONCE}";keyid="${KEY_ID}";alg="${alg}"`;
      const signature = Buffer.from((req.headers.signature as string).slice(6, -1), 'base64');
      expect(signature.length).toBe(64); // ECDSA: raw r||s (RFC 9421 §3.3.4), not DER
      const key = createPublicKey({ key: pair.publicKeyJwk as never, format: 'jwk' });
      const ok =
        alg === 'ed25519'
          ? nodeVerify(null, Buffer.from(base), key, signature)
          : nodeVerify('sha256', Buffer.from(base), { key, dsaEncoding: 'ieee-p1363' }, signature);
      expect(ok).toBe(true);
    });
  });

  describe('signature.missing', () => {
    it.each(['signature', 'signature-input', 'content-digest'])('without a %s header', async (name) => {
      const req = await signed(POST);
      const headers = { ...req.headers };
      delete headers[name];
      await rejection(verify({ ...req, headers }), 'signature.missing');
      await rejection(verify({ ...req, headers: { ...req.headers, [name]: '' } }), 'signature.missing');
    });

    it('without any signature headers', async () => {
      await rejection(
        verify({ method: 'GET', path: '/', query: '', body: '', headers: { authorization: 'Bearer a' } }),
        'signature.missing',
      );
    });
  });

  describe('signature.malformed', () => {
    const garbageInputs: Array<[string, string]> = [
      ['not a dictionary', 'garbage!'],
      ['unclosed inner list', 'sig1=("@method" "@path"'],
      ['a bare item instead of an inner list', 'sig1="@method"'],
      [
        'the sig1 label missing',
        `sig2=("@method" "@path" "@query" "content-digest");created=${CREATED};nonce="${NONCE}";keyid="${KEY_ID}"`,
      ],
      ['no created', `sig1=("@method" "@path" "@query" "content-digest");nonce="${NONCE}";keyid="${KEY_ID}"`],
      ['no nonce', `sig1=("@method" "@path" "@query" "content-digest");created=${CREATED};keyid="${KEY_ID}"`],
      ['no keyid', `sig1=("@method" "@path" "@query" "content-digest");created=${CREATED};nonce="${NONCE}"`],
      [
        'an empty keyid',
        `sig1=("@method" "@path" "@query" "content-digest");created=${CREATED};nonce="${NONCE}";keyid=""`,
      ],
      ['a 15-character nonce', `sig1=("@method");created=${CREATED};nonce="${'n'.repeat(15)}";keyid="k"`],
      ['a 129-character nonce', `sig1=("@method");created=${CREATED};nonce="${'n'.repeat(129)}";keyid="k"`],
      ['created as a string', `sig1=("@method");created="${CREATED}";nonce="${NONCE}";keyid="k"`],
      ['a negative created', `sig1=("@method");created=-1;nonce="${NONCE}";keyid="k"`],
      ['a decimal created', `sig1=("@method");created=1.5;nonce="${NONCE}";keyid="k"`],
      ['created of 16 digits', `sig1=("@method");created=1234567890123456;nonce="${NONCE}";keyid="k"`],
      ['a token keyid', `sig1=("@method");created=${CREATED};nonce="${NONCE}";keyid=k`],
      [
        'a repeated parameter',
        `sig1=("@method");created=${CREATED};created=${CREATED};nonce="${NONCE}";keyid="k"`,
      ],
      ['a repeated label', `sig1=("@method");created=${CREATED};nonce="${NONCE}";keyid="k", sig1=("@path")`],
      ['a repeated component', `sig1=("@method" "@method");created=${CREATED};nonce="${NONCE}";keyid="k"`],
      ['an upper-case component', `sig1=("Authorization");created=${CREATED};nonce="${NONCE}";keyid="k"`],
      ['a token component', `sig1=(content-digest);created=${CREATED};nonce="${NONCE}";keyid="k"`],
      [
        '17 components',
        `sig1=(${Array.from({ length: 17 }, (_, i) => `"h${i}"`).join(' ')});created=${CREATED};nonce="${NONCE}";keyid="k"`,
      ],
      ['a trailing comma', `sig1=("@method");created=${CREATED};nonce="${NONCE}";keyid="k",`],
      ['a bad string escape', `sig1=("@method");created=${CREATED};nonce="${NONCE}\\n";keyid="k"`],
      ['a non-ASCII character', `sig1=("@method");created=${CREATED};nonce="${NONCE}é";keyid="k"`],
      [
        'items not separated by spaces',
        `sig1=("@method""@path");created=${CREATED};nonce="${NONCE}";keyid="k"`,
      ],
      [
        'a header over 4096 characters',
        `sig1=("@method");created=${CREATED};nonce="${NONCE}";keyid="${'k'.repeat(4100)}"`,
      ],
    ];

    it.each(garbageInputs)('a Signature-Input with %s', async (_, value) => {
      const req = await signed(POST);
      await rejection(
        verify({ ...req, headers: { ...req.headers, 'signature-input': value } }),
        'signature.malformed',
      );
    });

    it.each([
      ['the sig1 label missing', 'sig2=:AAAA:'],
      ['a string instead of bytes', 'sig1="AAAA"'],
      ['invalid base64', 'sig1=:A*A=:'],
      ['an unclosed byte sequence', 'sig1=:AAAA'],
      ['garbage', ';;;'],
    ])('a Signature with %s', async (_, value) => {
      const req = await signed(POST);
      await rejection(
        verify({ ...req, headers: { ...req.headers, signature: value } }),
        'signature.malformed',
      );
    });

    it.each([
      ['no sha-256 member', `sha-512=:${EMPTY_SHA256}:`],
      ['a token value', 'sha-256=abc'],
      ['garbage', '=:::'],
    ])('a Content-Digest with %s', async (_, value) => {
      const req = await signed(POST);
      await rejection(
        verify({ ...req, headers: { ...req.headers, 'content-digest': value } }),
        'signature.malformed',
      );
    });

    it('refuses a nonce the verifier would refuse when signing', async () => {
      await rejection(
        signRequest(POST, { privateKey: pair.privateKey, alg, keyId: KEY_ID }, { nonce: 'short' }),
        'signature.malformed',
      );
    });
  });

  describe('signature.components', () => {
    it.each(['@method', '@path', '@query', 'content-digest'])('when "%s" is not covered', async (name) => {
      const req = await signed({ ...POST, authorization: undefined });
      const components = ['@method', '@path', '@query', 'content-digest'].filter((c) => c !== name);
      const custom = await signedCustom(req, { components, params: params() });
      const error = await rejection(verify(custom), 'signature.components');
      expect(error.details).toEqual({ missing: [name] });
    });

    it('when an Authorization header is present but not covered', async () => {
      const req = await signed({ ...POST, authorization: undefined });
      await rejection(
        verify({ ...req, headers: { ...req.headers, authorization: 'Bearer added-later' } }),
        'signature.components',
      );
    });

    it('when Authorization is covered but the request lacks it', async () => {
      const req = await signed(POST);
      const headers = { ...req.headers };
      delete headers.authorization;
      await rejection(verify({ ...req, headers }), 'signature.components');
    });

    it('when Authorization is required but absent', async () => {
      const req = await signed({ ...POST, authorization: undefined });
      expect((await verify(req)).keyId).toBe(KEY_ID);
      await rejection(verify(req, { requireAuthorization: true }), 'signature.components');
    });

    it('when an unsupported derived component is covered', async () => {
      const req = await signed({ ...POST, authorization: undefined });
      const components = ['@method', '@path', '@query', 'content-digest', '@authority'];
      await rejection(
        verify({
          ...req,
          headers: {
            ...req.headers,
            'signature-input': `sig1=${serializeSignatureParams({ components, params: params() })}`,
          },
        }),
        'signature.components',
      );
    });

    it('covers additional header fields when they are present', async () => {
      const req = await signed({ ...POST, authorization: undefined });
      const withType = { ...req, headers: { ...req.headers, 'content-type': 'application/json' } };
      const components = ['@method', '@path', '@query', 'content-digest', 'content-type'];
      const custom = await signedCustom(withType, { components, params: params() });
      expect((await verify(custom)).keyId).toBe(KEY_ID);
      await rejection(
        verify({ ...custom, headers: { ...custom.headers, 'content-type': 'text/plain' } }),
        'signature.invalid',
      );
      // "constructor" must not be found on Object.prototype.
      const proto = {
        components: ['@method', '@path', '@query', 'content-digest', 'constructor'],
        params: params(),
      };
      await rejection(
        verify({
          ...req,
          headers: { ...req.headers, 'signature-input': `sig1=${serializeSignatureParams(proto)}` },
        }),
        'signature.components',
      );
    });
  });

  describe('RFC 9421 verification, whatever label and parameters a signer chose', () => {
    const components = ['@method', '@path', '@query', 'content-digest'];

    it('covers and verifies parameters it does not define (§2.3), and refuses them added later', async () => {
      const req = await signed({ ...POST, authorization: undefined });
      const extra = { components, params: [...params(), ['tag', 'app'], ['constructor', 'x']] as const };
      const custom = await signedCustom(req, { components: extra.components, params: [...extra.params] });
      expect((await verify(custom)).keyId).toBe(KEY_ID);
      const added = custom.headers['signature-input'] as string;
      await rejection(
        verify({ ...custom, headers: { ...custom.headers, 'signature-input': `${added};extra="1"` } }),
        'signature.invalid',
      );
    });

    it('verifies any label, and picks the signature that covers what the policy needs', async () => {
      const req = await signed({ ...POST, authorization: undefined });
      const custom = await signedCustom(req, { components, params: params() });
      const relabel = (value: string) => value.replace(/^sig1=/, 'kakeibo-device=');
      const input = relabel(custom.headers['signature-input'] as string);
      const signature = relabel(custom.headers.signature as string);
      const result = await verify({
        ...custom,
        headers: { ...custom.headers, 'signature-input': input, signature },
      });
      expect(result.label).toBe('kakeibo-device');
      // A proxy's signature of its own, first in both headers, covering less.
      const proxied = {
        ...custom,
        headers: {
          ...custom.headers,
          'signature-input': `proxy=("@method");created=${CREATED};keyid="proxy", ${input}`,
          signature: `proxy=:AAAA:, ${signature}`,
        },
      };
      expect((await verify(proxied)).label).toBe('kakeibo-device');
    });

    it('covers @authority when the request says where it was sent, normalised (§2.2.3)', async () => {
      const req = await signed({ ...POST, authorization: undefined });
      const withHost = { ...req, authority: 'Sync.Example.com' };
      const custom = await signedCustom(withHost, {
        components: [...components, '@authority'],
        params: params(),
      });
      expect(custom.headers['signature-input']).toContain('"@authority"');
      expect((await verify(custom)).keyId).toBe(KEY_ID);
      await rejection(verify({ ...custom, authority: 'evil.example.com' }), 'signature.invalid');
      const { authority: _, ...withoutHost } = custom;
      await rejection(verify(withoutHost), 'signature.components');
    });

    it('refuses component parameters it does not implement (§3.2)', async () => {
      const req = await signed({ ...POST, authorization: undefined });
      const input = `sig1=("@method";req "@path" "@query" "content-digest");created=${CREATED};nonce="${NONCE}";keyid="${KEY_ID}"`;
      await rejection(
        verify({ ...req, headers: { ...req.headers, 'signature-input': input } }),
        'signature.components',
      );
    });
  });

  describe('signature.digest_mismatch', () => {
    it('when the body was changed', async () => {
      const req = await signed(POST);
      await rejection(verify({ ...req, body: '{"ops":[1]}' }), 'signature.digest_mismatch');
      await rejection(verify({ ...req, body: '' }), 'signature.digest_mismatch');
    });

    it('when a bodyless request arrives with a body', async () => {
      const req = await signed({ method: 'GET', path: '/v1/x', query: '' });
      await rejection(verify({ ...req, body: new Uint8Array([1]) }), 'signature.digest_mismatch');
    });

    it('and the signature fails when the digest is recomputed for a changed body', async () => {
      const req = await signed(POST);
      const body = '{"ops":["evil"]}';
      await rejection(
        verify({ ...req, body, headers: { ...req.headers, 'content-digest': await contentDigest(body) } }),
        'signature.invalid',
      );
    });
  });

  describe('signature.expired', () => {
    it('accepts created up to the window away in either direction', async () => {
      const w = SIGNATURE_WINDOW_SECONDS * 1000;
      expect((await verify(await signed(POST, { now: NOW - w }))).created).toBe(CREATED - 300);
      expect((await verify(await signed(POST, { now: NOW + w }))).created).toBe(CREATED + 300);
    });

    it.each([
      ['in the past', -301],
      ['in the future', 301],
    ])('when created is too far %s', async (_, offset) => {
      const req = await signed(POST, { now: NOW + offset * 1000 });
      const error = await rejection(verify(req), 'signature.expired');
      expect(error.details).toEqual({ created: CREATED + offset, now: CREATED });
    });

    it('honours a custom window', async () => {
      const req = await signed(POST, { now: NOW - 61_000 });
      await rejection(verify(req, { windowSeconds: 60 }), 'signature.expired');
    });

    it('when an expires parameter has passed', async () => {
      const req = await signed({ ...POST, authorization: undefined });
      const components = ['@method', '@path', '@query', 'content-digest'];
      const fresh = await signedCustom(req, { components, params: params({ expires: CREATED + 10 }) });
      expect((await verify(fresh)).keyId).toBe(KEY_ID);
      const stale = await signedCustom(req, { components, params: params({ expires: CREATED - 1 }) });
      await rejection(verify(stale), 'signature.malformed'); // expires before created
      await rejection(verify(fresh, { now: NOW + 11_000 }), 'signature.expired');
    });
  });

  describe('signature.unknown_key', () => {
    it('when lookupKey returns null', async () => {
      const req = await signed(POST);
      const error = await rejection(
        verifyRequest(req, async () => null, { now: NOW }),
        'signature.unknown_key',
      );
      expect(error.details).toEqual({ keyId: KEY_ID });
    });
  });

  describe('signature.invalid', () => {
    it.each<[string, (r: RequestToVerify) => RequestToVerify]>([
      ['the method', (r) => ({ ...r, method: 'DELETE' })],
      ['the path', (r) => ({ ...r, path: '/v1/sync/pull' })],
      ['the query', (r) => ({ ...r, query: '?after=0&limit=10' })],
      ['the query removed', (r) => ({ ...r, query: '' })],
      [
        'the Authorization header',
        (r) => ({ ...r, headers: { ...r.headers, authorization: 'Bearer other' } }),
      ],
      [
        'created',
        (r) => ({
          ...r,
          headers: {
            ...r.headers,
            'signature-input': (r.headers['signature-input'] as string).replace(
              /created=\d+/,
              `created=${CREATED + 1}`,
            ),
          },
        }),
      ],
      [
        'the nonce',
        (r) => ({
          ...r,
          headers: {
            ...r.headers,
            'signature-input': (r.headers['signature-input'] as string).replace(NONCE, 'x'.repeat(22)),
          },
        }),
      ],
      [
        'the signature bytes',
        (r) => ({ ...r, headers: { ...r.headers, signature: `sig1=:${btoa('\0'.repeat(64))}:` } }),
      ],
      ['a truncated signature', (r) => ({ ...r, headers: { ...r.headers, signature: 'sig1=:AAAA:' } })],
    ])('when %s was tampered with', async (_, tamper) => {
      await rejection(verify(tamper(await signed(POST))), 'signature.invalid');
    });

    it('when signed by another key', async () => {
      const headers = await signRequest(
        POST,
        { privateKey: other.privateKey, alg, keyId: KEY_ID },
        { now: NOW, nonce: NONCE },
      );
      const req = {
        ...POST,
        body: POST.body ?? '',
        headers: { ...headers, authorization: POST.authorization },
      };
      await rejection(verify(req), 'signature.invalid');
    });

    it('when the alg parameter does not match the key', async () => {
      const req = await signed({ ...POST, authorization: undefined });
      const components = ['@method', '@path', '@query', 'content-digest'];
      const otherAlg = otherAlgPair.alg;
      await rejection(
        verify(await signedCustom(req, { components, params: params({ alg: otherAlg }) })),
        'signature.invalid',
      );
      await rejection(
        verify(await signedCustom(req, { components, params: params({ alg: 'hmac-sha256' }) })),
        'signature.invalid',
      );
      // Signed by a key of the other algorithm, looked up as this device's key.
      const byOther = await signedCustom(
        req,
        { components, params: params({ alg: otherAlg }) },
        otherAlgPair,
      );
      await rejection(verify(byOther), 'signature.invalid');
    });

    it('when lookupKey gives an alg that does not fit the key, or an unusable key', async () => {
      const req = await signed(POST);
      const cases: Array<{ publicKeyJwk: JsonWebKey; alg?: SignatureAlg }> = [
        { publicKeyJwk: pair.publicKeyJwk, alg: otherAlgPair.alg },
        { publicKeyJwk: otherAlgPair.publicKeyJwk },
        { publicKeyJwk: { kty: 'RSA', n: 'AQAB', e: 'AQAB' } },
        { publicKeyJwk: { ...pair.publicKeyJwk, x: 'AAAA' } },
      ];
      for (const found of cases) {
        await rejection(
          verifyRequest(req, async () => found, { now: NOW }),
          'signature.invalid',
        );
      }
    });
  });
});
