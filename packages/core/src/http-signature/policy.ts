import { KakeiboError } from '../errors.js';
import type { ParsedSignatureInput } from './base.js';
import { fieldLinesOf, headerValue, type SignedMessage } from './components.js';
import { checkContentDigest } from './digest.js';
import type { SignatureAlg } from './keys.js';
import { type LookupKey, type MessageSignature, messageSignatures, verifySignature } from './verify.js';

/**
 * Kakeibo's policy for a signed request, on top of RFC 9421 verification (verify.ts): what a signature
 * must cover, that it is fresh and carries a nonce, and that the body matches its Content-Digest. The
 * RFC allows any label; this signer writes `sig1`, and the verifier takes the first signature that
 * covers what the policy requires, so a proxy's or another library's extra signature does not matter.
 */

/** The label Kakeibo's signer writes. */
export const SIGNATURE_LABEL = 'sig1';
export const NONCE_MIN_LENGTH = 16;
export const NONCE_MAX_LENGTH = 128;
/** How far `created` may be from the verifier's clock, either way. */
export const SIGNATURE_WINDOW_SECONDS = 300;

/** What every signature must cover; `authorization` is added whenever the request carries it. */
export const REQUIRED_COMPONENTS = Object.freeze(['@method', '@path', '@query', 'content-digest'] as const);

export interface RequestToVerify {
  method: string;
  path: string;
  /** `''` or `'?a=1&b=2'`, exactly as received. */
  query: string;
  /** The exact body bytes (`''` when there is none). */
  body: Uint8Array | string;
  /** Lower-case names, as Node gives them. */
  headers: Record<string, string | string[] | undefined>;
  /** The authority the request was sent to (Host), for a signature that covers `@authority`. */
  authority?: string;
  /** `http` or `https`, for `@scheme` and `@target-uri`. */
  scheme?: string;
}

export interface VerifiedSignature {
  keyId: string;
  /** Unix seconds. */
  created: number;
  nonce: string;
  alg: SignatureAlg;
  label: string;
}

export interface VerifyOptions {
  /** Milliseconds since the epoch; defaults to `Date.now()`. */
  now?: number;
  windowSeconds?: number;
  /** Refuse requests without an Authorization header. */
  requireAuthorization?: boolean;
}

const malformed = (message: string) => new KakeiboError('signature.malformed', message);

const covers = (input: ParsedSignatureInput, name: string) =>
  input.components.some((c) => c.name === name && c.params.length === 0);

/** The first signature covering every required component, else the first (whose gaps are then reported). */
function chooseSignature(signatures: MessageSignature[]): MessageSignature {
  return (
    signatures.find(({ input }) => REQUIRED_COMPONENTS.every((name) => covers(input, name))) ??
    (signatures[0] as MessageSignature)
  );
}

/** The checks on a signature's input alone: coverage, parameters, freshness. Cheap, so they run first. */
function checkInput(
  input: ParsedSignatureInput,
  authorization: string | undefined,
  opts: VerifyOptions,
): { created: number; nonce: string } {
  const { created, nonce } = input;
  if (created === undefined || created < 0) {
    throw malformed('The signature has no "created" parameter (a non-negative integer).');
  }
  if (nonce === undefined) throw malformed('The signature has no "nonce" parameter.');
  if (nonce.length < NONCE_MIN_LENGTH || nonce.length > NONCE_MAX_LENGTH) {
    throw malformed(
      `The signature nonce must be ${NONCE_MIN_LENGTH} to ${NONCE_MAX_LENGTH} characters long.`,
    );
  }
  if (input.keyid === undefined || input.keyid === '') {
    throw malformed('The signature has no "keyid" parameter.');
  }
  const absent = REQUIRED_COMPONENTS.filter((name) => !covers(input, name));
  if (absent.length > 0) {
    throw new KakeiboError(
      'signature.components',
      `The signature must cover ${absent.map((name) => `"${name}"`).join(', ')}.`,
      { missing: absent },
    );
  }
  if (authorization !== undefined && !covers(input, 'authorization')) {
    throw new KakeiboError('signature.components', 'The signature must cover the Authorization header.');
  }
  if (opts.requireAuthorization && authorization === undefined) {
    throw new KakeiboError('signature.components', 'This request needs an Authorization header.');
  }

  const now = Math.floor((opts.now ?? Date.now()) / 1000);
  const window = opts.windowSeconds ?? SIGNATURE_WINDOW_SECONDS;
  const age = now - created;
  if (Math.abs(age) > window) {
    throw new KakeiboError(
      'signature.expired',
      `The signature was created ${Math.abs(age)} s in the ${age > 0 ? 'past' : 'future'}, outside the ${window} s window.`,
      { created, now },
    );
  }
  if (input.expires !== undefined && now > input.expires) {
    throw new KakeiboError('signature.expired', 'The signature has passed its "expires" time.', {
      created,
      expires: input.expires,
      now,
    });
  }
  return { created, nonce };
}

/**
 * Verifies a Kakeibo request: RFC 9421 verification of its signature and RFC 9530's Content-Digest,
 * under the policy above. The policy's checks on the signature input and the digest run before the key
 * is looked up and the signature checked, so a stale or altered request costs no storage read and no
 * public-key operation. Nonce replay is the caller's to check, with the returned `nonce`.
 */
export async function verifyRequest(
  req: RequestToVerify,
  lookupKey: LookupKey,
  opts: VerifyOptions = {},
): Promise<VerifiedSignature> {
  const present = (name: string) => Boolean(headerValue(req.headers, name));
  const missing = ['Signature', 'Signature-Input', 'Content-Digest'].filter(
    (name) => !present(name.toLowerCase()),
  );
  if (missing.length > 0) {
    throw new KakeiboError('signature.missing', `The request has no ${missing.join(' or ')} header.`, {
      missing,
    });
  }

  const message: SignedMessage = {
    method: req.method,
    path: req.path,
    query: req.query,
    ...(req.authority !== undefined && { authority: req.authority }),
    ...(req.scheme !== undefined && { scheme: req.scheme }),
    fieldLines: fieldLinesOf(req.headers),
  };
  const chosen = chooseSignature(messageSignatures(message));
  const { created, nonce } = checkInput(chosen.input, headerValue(req.headers, 'authorization'), opts);
  await checkContentDigest(headerValue(req.headers, 'content-digest') as string, req.body);
  const verified = await verifySignature(message, chosen, lookupKey);
  return { keyId: verified.keyId, created, nonce, alg: verified.alg, label: verified.label };
}
