import { KakeiboError } from '../errors.js';
import {
  type ParsedSignatureInput,
  parseSignature,
  parseSignatureInput,
  signatureBase,
  signatureLabels,
} from './base.js';
import type { SignedMessage } from './components.js';
import {
  algForJwk,
  type CryptoKey,
  importDevicePublicKey,
  type JsonWebKey,
  SIGNATURE_ALGS,
  type SignatureAlg,
  signingAlgorithm,
} from './keys.js';

/**
 * RFC 9421 §3.2: verifying one signature of a message, as the RFC defines it and nothing more. Any
 * label, any covered components, any parameters; `created`, `nonce` and the rest are returned for the
 * caller's policy to judge (policy.ts), never judged here.
 */

export type LookupKey = (keyId: string) => Promise<{ publicKeyJwk: JsonWebKey; alg?: SignatureAlg } | null>;

/** One signature of a message, read from its Signature-Input and Signature fields. */
export interface MessageSignature {
  input: ParsedSignatureInput;
  signature: Uint8Array;
}

export interface VerifiedMessageSignature {
  label: string;
  keyId: string;
  alg: SignatureAlg;
  input: ParsedSignatureInput;
}

const invalid = (message: string, details?: Record<string, unknown>) =>
  new KakeiboError('signature.invalid', message, details);

const joined = (message: SignedMessage, name: string): string | undefined =>
  message
    .fieldLines(name)
    ?.map((line) => line.trim())
    .join(', ');

/**
 * Every signature a message carries, in Signature-Input order (§4.3: a message may hold several;
 * only labels present in both fields are signatures).
 */
export function messageSignatures(message: SignedMessage): MessageSignature[] {
  const inputHeader = joined(message, 'signature-input');
  const signatureHeader = joined(message, 'signature');
  if (!inputHeader || !signatureHeader) {
    const missing = [inputHeader ? undefined : 'Signature-Input', signatureHeader ? undefined : 'Signature'];
    throw new KakeiboError(
      'signature.missing',
      `The message has no ${missing.filter(Boolean).join(' or ')} header.`,
      { missing: missing.filter(Boolean) },
    );
  }
  const signed = new Set(signatureLabels(signatureHeader, 'Signature'));
  const signatures = signatureLabels(inputHeader, 'Signature-Input')
    .filter((label) => signed.has(label))
    .map((label) => ({
      input: parseSignatureInput(inputHeader, label),
      signature: parseSignature(signatureHeader, label),
    }));
  if (signatures.length === 0) {
    throw new KakeiboError(
      'signature.malformed',
      'No label appears in both the Signature-Input and the Signature header.',
    );
  }
  return signatures;
}

/** The signature under `label`, or the only one when no label is given. */
export function messageSignature(message: SignedMessage, label?: string): MessageSignature {
  const all = messageSignatures(message);
  if (label !== undefined) {
    const found = all.find((s) => s.input.label === label);
    if (!found) throw new KakeiboError('signature.malformed', `The message has no "${label}" signature.`);
    return found;
  }
  if (all.length > 1) {
    throw new KakeiboError(
      'signature.malformed',
      `The message carries ${all.length} signatures: say which label to verify.`,
    );
  }
  return all[0] as MessageSignature;
}

/**
 * §3.2 steps 4 to 8 for one signature already read: the signature base, the key named by `keyid`,
 * the algorithm (the key's, which an `alg` parameter must agree with), and the cryptographic check.
 * The base is built before the key is looked up, so a message without a covered component fails fast.
 */
export async function verifySignature(
  message: SignedMessage,
  { input, signature }: MessageSignature,
  lookupKey: LookupKey,
): Promise<VerifiedMessageSignature> {
  const base = signatureBase(message, input);
  const keyId = input.keyid;
  if (keyId === undefined || keyId === '') {
    throw new KakeiboError('signature.malformed', 'The signature has no "keyid" parameter.');
  }
  const found = await lookupKey(keyId);
  if (!found) {
    throw new KakeiboError('signature.unknown_key', `No device key is known for keyid "${keyId}".`, {
      keyId,
    });
  }

  let alg: SignatureAlg;
  let publicKey: CryptoKey;
  try {
    alg = found.alg ?? algForJwk(found.publicKeyJwk);
    publicKey = await importDevicePublicKey(found.publicKeyJwk, alg);
  } catch {
    throw invalid(`The key "${keyId}" cannot be used to verify a signature.`);
  }
  if (input.alg !== undefined && input.alg !== alg) {
    throw invalid(
      (SIGNATURE_ALGS as readonly string[]).includes(input.alg)
        ? `The signature says alg "${input.alg}" but the key "${keyId}" is ${alg}.`
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
  if (!valid) {
    throw invalid('The signature does not verify: the message or its signature was altered.');
  }
  return { label: input.label, keyId, alg, input };
}

/** §3.2 end to end: reads the signature under `label` (or the only one) and verifies it. */
export async function verifyMessageSignature(
  message: SignedMessage,
  lookupKey: LookupKey,
  opts: { label?: string } = {},
): Promise<VerifiedMessageSignature> {
  return verifySignature(message, messageSignature(message, opts.label), lookupKey);
}
