import { KakeiboError } from '../errors.js';
import {
  headerValue,
  type MessageComponents,
  parseSignature,
  parseSignatureInput,
  REQUIRED_COMPONENTS,
  signatureBase,
} from './base.js';
import { checkContentDigest } from './digest.js';
import {
  algForJwk,
  type CryptoKey,
  importDevicePublicKey,
  type JsonWebKey,
  SIGNATURE_ALGS,
  type SignatureAlg,
  signingAlgorithm,
} from './keys.js';

/** How far `created` may be from the verifier's clock, either way. */
export const SIGNATURE_WINDOW_SECONDS = 300;

export interface RequestToVerify {
  method: string;
  path: string;
  /** `''` or `'?a=1&b=2'`, exactly as received. */
  query: string;
  /** The exact body bytes (`''` when there is none). */
  body: Uint8Array | string;
  /** Lower-case names, as Node gives them. */
  headers: Record<string, string | string[] | undefined>;
}

export interface VerifiedSignature {
  keyId: string;
  /** Unix seconds. */
  created: number;
  nonce: string;
  alg: SignatureAlg;
}

export type LookupKey = (keyId: string) => Promise<{ publicKeyJwk: JsonWebKey; alg?: SignatureAlg } | null>;

export interface VerifyOptions {
  /** Milliseconds since the epoch; defaults to `Date.now()`. */
  now?: number;
  windowSeconds?: number;
  /** Refuse requests without an Authorization header. */
  requireAuthorization?: boolean;
}

const invalid = (message: string, details?: Record<string, unknown>) =>
  new KakeiboError('signature.invalid', message, details);

/**
 * Verifies the `sig1` signature of a request (RFC 9421) and its Content-Digest (RFC 9530).
 * Cheap checks run first; the key is looked up only for a well-formed, fresh request whose body matches.
 * Nonce replay is the caller's to check, with the returned `nonce`.
 */
export async function verifyRequest(
  req: RequestToVerify,
  lookupKey: LookupKey,
  opts: VerifyOptions = {},
): Promise<VerifiedSignature> {
  const signatureHeader = headerValue(req.headers, 'signature');
  const inputHeader = headerValue(req.headers, 'signature-input');
  const digestHeader = headerValue(req.headers, 'content-digest');
  const missing = [
    signatureHeader ? undefined : 'Signature',
    inputHeader ? undefined : 'Signature-Input',
    digestHeader ? undefined : 'Content-Digest',
  ].filter((name) => name !== undefined);
  if (!signatureHeader || !inputHeader || !digestHeader) {
    throw new KakeiboError('signature.missing', `The request has no ${missing.join(' or ')} header.`, {
      missing,
    });
  }

  const input = parseSignatureInput(inputHeader);
  const signature = parseSignature(signatureHeader);

  const authorization = headerValue(req.headers, 'authorization');
  const absent = REQUIRED_COMPONENTS.filter((name) => !input.components.includes(name));
  if (absent.length > 0) {
    throw new KakeiboError(
      'signature.components',
      `The signature must cover ${absent.map((name) => `"${name}"`).join(', ')}.`,
      { missing: absent },
    );
  }
  if (authorization !== undefined && !input.components.includes('authorization')) {
    throw new KakeiboError('signature.components', 'The signature must cover the Authorization header.');
  }
  if (opts.requireAuthorization && authorization === undefined) {
    throw new KakeiboError('signature.components', 'This request needs an Authorization header.');
  }

  // Built before any clock, digest or key work: it fails fast on a covered header the request lacks.
  const message: MessageComponents = {
    method: req.method,
    path: req.path,
    query: req.query,
    field: (name) => headerValue(req.headers, name),
  };
  const base = signatureBase(message, input);

  const now = Math.floor((opts.now ?? Date.now()) / 1000);
  const window = opts.windowSeconds ?? SIGNATURE_WINDOW_SECONDS;
  const age = now - input.created;
  if (Math.abs(age) > window) {
    throw new KakeiboError(
      'signature.expired',
      `The signature was created ${Math.abs(age)} s in the ${age > 0 ? 'past' : 'future'}, outside the ${window} s window.`,
      { created: input.created, now },
    );
  }
  if (input.expires !== undefined && now > input.expires) {
    throw new KakeiboError('signature.expired', 'The signature has passed its "expires" time.', {
      created: input.created,
      expires: input.expires,
      now,
    });
  }

  await checkContentDigest(digestHeader, req.body);

  const found = await lookupKey(input.keyid);
  if (!found) {
    throw new KakeiboError('signature.unknown_key', `No device key is known for keyid "${input.keyid}".`, {
      keyId: input.keyid,
    });
  }

  let alg: SignatureAlg;
  let publicKey: CryptoKey;
  try {
    alg = found.alg ?? algForJwk(found.publicKeyJwk);
    publicKey = await importDevicePublicKey(found.publicKeyJwk, alg);
  } catch {
    throw invalid(`The key "${input.keyid}" cannot be used to verify a signature.`);
  }
  if (input.alg !== undefined && input.alg !== alg) {
    throw invalid(
      (SIGNATURE_ALGS as readonly string[]).includes(input.alg)
        ? `The signature says alg "${input.alg}" but the key "${input.keyid}" is ${alg}.`
        : `The signature alg "${input.alg}" is not supported.`,
      { alg: input.alg, keyAlg: alg },
    );
  }

  let valid = false;
  try {
    valid = await globalThis.crypto.subtle.verify(
      signingAlgorithm(alg),
      publicKey,
      signature,
      new TextEncoder().encode(base),
    );
  } catch {
    valid = false;
  }
  if (!valid)
    throw invalid('The request signature does not verify: the request or its signature was altered.');

  return { keyId: input.keyid, created: input.created, nonce: input.nonce, alg };
}
