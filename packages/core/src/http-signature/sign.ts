import { toBase64Url } from '../encoding/base64.js';
import { KakeiboError } from '../errors.js';
import { type SignatureInput, serializeSignatureParams, signatureBase } from './base.js';
import { contentDigest } from './digest.js';
import { type CryptoKey, type SignatureAlg, signingAlgorithm } from './keys.js';
import { NONCE_MAX_LENGTH, NONCE_MIN_LENGTH, REQUIRED_COMPONENTS, SIGNATURE_LABEL } from './policy.js';
import { serializeByteSequence } from './structured-fields.js';

export interface RequestToSign {
  method: string;
  path: string;
  /** `''` or `'?a=1&b=2'`, exactly as sent. */
  query: string;
  body?: Uint8Array | string;
  /** The Authorization header, when the request carries one: it is then covered by the signature. */
  authorization?: string;
}

export type SignatureHeaders = Record<'content-digest' | 'signature-input' | 'signature', string>;

const WEBCRYPTO_NAME: Record<SignatureAlg, string> = { 'ecdsa-p256-sha256': 'ECDSA', ed25519: 'Ed25519' };

/** 16 random bytes as 22 base64url characters. */
function newNonce(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return toBase64Url(bytes);
}

/** Signs a request with a device key: returns the three headers to send with it. */
export async function signRequest(
  req: RequestToSign,
  key: { privateKey: CryptoKey; alg: SignatureAlg; keyId: string },
  opts: { now?: number; nonce?: string } = {},
): Promise<SignatureHeaders> {
  if (key.privateKey.algorithm.name !== WEBCRYPTO_NAME[key.alg]) {
    throw new KakeiboError(
      'signature.unsupported_key',
      `This ${key.privateKey.algorithm.name} key cannot sign with ${key.alg}.`,
    );
  }
  const nonce = opts.nonce ?? newNonce();
  if (nonce.length < NONCE_MIN_LENGTH || nonce.length > NONCE_MAX_LENGTH) {
    throw new KakeiboError(
      'signature.malformed',
      `The signature nonce must be ${NONCE_MIN_LENGTH} to ${NONCE_MAX_LENGTH} characters long.`,
    );
  }
  if (key.keyId === '')
    throw new KakeiboError('signature.malformed', 'The signing key needs a non-empty keyId.');

  const digest = await contentDigest(req.body ?? '');
  const hasAuthorization = req.authorization !== undefined;
  const input: SignatureInput = {
    components: hasAuthorization ? [...REQUIRED_COMPONENTS, 'authorization'] : [...REQUIRED_COMPONENTS],
    params: [
      ['created', Math.floor((opts.now ?? Date.now()) / 1000)],
      ['nonce', nonce],
      ['keyid', key.keyId],
      ['alg', key.alg],
    ],
  };
  const fields: Record<string, string | undefined> = {
    'content-digest': digest,
    authorization: req.authorization?.trim(),
  };
  const base = signatureBase(
    {
      method: req.method,
      path: req.path,
      query: req.query,
      fieldLines: (name) => {
        const value = Object.hasOwn(fields, name) ? fields[name] : undefined;
        return value === undefined ? undefined : [value];
      },
    },
    input,
  );
  const signature = await globalThis.crypto.subtle.sign(
    signingAlgorithm(key.alg),
    key.privateKey,
    new TextEncoder().encode(base),
  );
  return {
    'content-digest': digest,
    'signature-input': `${SIGNATURE_LABEL}=${serializeSignatureParams(input)}`,
    signature: `${SIGNATURE_LABEL}=${serializeByteSequence(new Uint8Array(signature))}`,
  };
}
