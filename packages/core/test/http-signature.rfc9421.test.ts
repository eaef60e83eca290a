import { createHash, createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  fieldLinesOf,
  type JsonWebKey,
  messageSignature,
  type SignedMessage,
  signatureBase,
  verifyMessageSignature,
} from '../src/http-signature/index.js';

/**
 * The examples of RFC 9421 Appendix B, verified end to end with the RFC's own test keys: the
 * signature fields parsed under the RFC's labels, the signature base rebuilt from the message, the
 * signature checked. Nothing here is Kakeibo policy (no nonce, no digest algorithm of ours).
 */

// B.1.3 test-key-ecc-p256 and B.1.4 test-key-ed25519 (public halves, SPKI PEM).
const KEYS: Record<string, string> = {
  'test-key-ecc-p256': `-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEqIVYZVLCrPZHGHjP17CTW0/+D9Lf
w0EkjqF7xB4FivAxzic30tMM4GF+hR6Dxh71Z50VGGdldkkDXZCnTNnoXQ==
-----END PUBLIC KEY-----`,
  'test-key-ed25519': `-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAJrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=
-----END PUBLIC KEY-----`,
};

const lookupKey = async (keyId: string) => {
  const pem = KEYS[keyId];
  return pem ? { publicKeyJwk: createPublicKey(pem).export({ format: 'jwk' }) as JsonWebKey } : null;
};

// B.2: the test request and the test response.
const REQUEST_BODY = '{"hello": "world"}';
const REQUEST_HEADERS = {
  host: 'example.com',
  date: 'Tue, 20 Apr 2021 02:07:55 GMT',
  'content-type': 'application/json',
  'content-digest':
    'sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:',
  'content-length': '18',
};
const RESPONSE_BODY = '{"message": "good dog"}';
const RESPONSE_HEADERS = {
  date: 'Tue, 20 Apr 2021 02:07:56 GMT',
  'content-type': 'application/json',
  'content-digest':
    'sha-512=:mEWXIS7MaLRuGgxOBdODa3xqM1XdEvxoYhvlCFJ41QJgJc4GTsPp29l5oGX69wWdXymyU0rjJuahq4l5aGgfLQ==:',
  'content-length': '23',
};

const request = (signatureHeaders: Record<string, string>): SignedMessage => ({
  method: 'POST',
  scheme: 'https',
  authority: REQUEST_HEADERS.host,
  path: '/foo',
  query: '?param=Value&Pet=dog',
  fieldLines: fieldLinesOf({ ...REQUEST_HEADERS, ...signatureHeaders }),
});

const response = (signatureHeaders: Record<string, string>): SignedMessage => ({
  status: 200,
  fieldLines: fieldLinesOf({ ...RESPONSE_HEADERS, ...signatureHeaders }),
});

const B24 = {
  'signature-input':
    'sig-b24=("@status" "content-type" "content-digest" "content-length");created=1618884473;keyid="test-key-ecc-p256"',
  signature:
    'sig-b24=:wNmSUAhwb5LxtOtOpNa6W5xj067m5hFrj0XQ4fvpaCLx0NKocgPquLgyahnzDnDAUy5eCdlYUEkLIj+32oiasw==:',
};

const B26 = {
  'signature-input':
    'sig-b26=("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"',
  signature:
    'sig-b26=:wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==:',
};

const sha512 = (body: string) => `sha-512=:${createHash('sha512').update(body).digest('base64')}:`;

describe('RFC 9421 Appendix B examples', () => {
  it('uses the RFC messages byte for byte (their Content-Digest matches their bodies)', () => {
    expect(sha512(REQUEST_BODY)).toBe(REQUEST_HEADERS['content-digest']);
    expect(sha512(RESPONSE_BODY)).toBe(RESPONSE_HEADERS['content-digest']);
  });

  it('B.2.2: rebuilds the signature base of selective components, @query-param included', () => {
    const message = request({
      'signature-input':
        'sig-b22=("@authority" "content-digest" "@query-param";name="Pet");created=1618884473;keyid="test-key-rsa-pss";tag="header-example"',
      signature: 'sig-b22=:AAAA:',
    });
    const { input } = messageSignature(message, 'sig-b22');
    expect(signatureBase(message, input)).toBe(
      [
        '"@authority": example.com',
        `"content-digest": ${REQUEST_HEADERS['content-digest']}`,
        '"@query-param";name="Pet": dog',
        '"@signature-params": ("@authority" "content-digest" "@query-param";name="Pet");created=1618884473;keyid="test-key-rsa-pss";tag="header-example"',
      ].join('\n'),
    );
  });

  it('B.2.4: verifies the ecdsa-p256-sha256 signature of the test response', async () => {
    const verified = await verifyMessageSignature(response(B24), lookupKey);
    expect(verified).toMatchObject({
      label: 'sig-b24',
      keyId: 'test-key-ecc-p256',
      alg: 'ecdsa-p256-sha256',
    });
    expect(verified.input.created).toBe(1618884473);
    expect(verified.input.nonce).toBeUndefined();
  });

  it('B.2.6: verifies the ed25519 signature of the test request, @authority included', async () => {
    const verified = await verifyMessageSignature(request(B26), lookupKey, { label: 'sig-b26' });
    expect(verified).toMatchObject({ label: 'sig-b26', keyId: 'test-key-ed25519', alg: 'ed25519' });
  });

  it('fails each example once any covered part of the message changes', async () => {
    const altered: SignedMessage[] = [
      { ...response(B24), status: 201 },
      response({ ...B24, 'content-length': '24' }),
      { ...request(B26), method: 'post' }, // §2.2.1: the method's case is covered as sent
      { ...request(B26), authority: 'example.org' },
      { ...request(B26), path: '/foo/' },
      request({ ...B26, date: 'Tue, 20 Apr 2021 02:07:56 GMT' }),
    ];
    for (const message of altered) {
      await expect(verifyMessageSignature(message, lookupKey)).rejects.toMatchObject({
        code: 'signature.invalid',
      });
    }
  });

  it('normalises @authority as RFC 9110 does: host in lower case, a default port dropped', async () => {
    for (const authority of ['EXAMPLE.com', 'example.com:443']) {
      const verified = await verifyMessageSignature({ ...request(B26), authority }, lookupKey);
      expect(verified.label).toBe('sig-b26');
    }
    await expect(
      verifyMessageSignature({ ...request(B26), authority: 'example.com:8443' }, lookupKey),
    ).rejects.toMatchObject({ code: 'signature.invalid' });
  });

  it('asks which label to verify when a message carries several signatures', async () => {
    const both = request({
      'signature-input': `${B26['signature-input']}, ${B24['signature-input'].replace('sig-b24', 'other')}`,
      signature: `${B26.signature}, ${B24.signature.replace('sig-b24', 'other')}`,
    });
    await expect(verifyMessageSignature(both, lookupKey)).rejects.toMatchObject({
      code: 'signature.malformed',
    });
    expect((await verifyMessageSignature(both, lookupKey, { label: 'sig-b26' })).keyId).toBe(
      'test-key-ed25519',
    );
  });
});
