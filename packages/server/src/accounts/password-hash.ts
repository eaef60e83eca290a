import { randomBytes } from 'node:crypto';
import { type Algorithm, hash, type Options, parseOptions, verify } from '@node-rs/argon2';
import { normalizePassword } from './password-policy.js';

/**
 * Password hashing with Argon2id at the OWASP ASVS 5 / OWASP Password Storage Cheat Sheet baseline:
 * 19 MiB of memory, 2 passes, 1 lane (m=19456 KiB, t=2, p=1), 16-byte random salt, 32-byte output,
 * encoded as a PHC string (`$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`) that carries its own
 * parameters, so they can be raised later and old hashes upgraded on the next successful login
 * (see `needsRehash`).
 *
 * Every function normalises the password with `normalizePassword` (NFC) first.
 */
export const ARGON2_PARAMS = Object.freeze({
  algorithm: 'argon2id',
  /** Argon2 version 1.3 (0x13 = 19, the `v=19` of the PHC string). */
  version: 0x13,
  /** KiB (19 MiB). */
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
  /** Bytes of hash output. */
  outputLen: 32,
} as const);

// `Algorithm` and `Version` are `const enum`s in the binding's typings, which `isolatedModules` cannot
// inline, so their (stable, documented) numeric values are spelled out here.
const ARGON2ID = 2 as Algorithm;
/** `Version.V0x13` in @node-rs/argon2's numbering (0 is 0x10). */
const VERSION_0X13 = 1;

const HASH_OPTIONS: Options = {
  algorithm: ARGON2ID,
  memoryCost: ARGON2_PARAMS.memoryCost,
  timeCost: ARGON2_PARAMS.timeCost,
  parallelism: ARGON2_PARAMS.parallelism,
  outputLen: ARGON2_PARAMS.outputLen,
};

/** Hashes a password for storage. Apply `checkPasswordPolicy` first when the password is being set. */
export async function hashPassword(password: string): Promise<string> {
  return hash(normalizePassword(password), HASH_OPTIONS);
}

/**
 * True only when `password` matches `encodedHash`. Never throws: a wrong password, an empty or malformed
 * hash, or a hash in another format all give `false`. The comparison inside the binding is constant-time.
 */
export async function verifyPassword(encodedHash: string, password: string): Promise<boolean> {
  if (typeof encodedHash !== 'string' || !encodedHash.startsWith('$argon2')) return false;
  try {
    return await verify(encodedHash, normalizePassword(password));
  } catch {
    return false;
  }
}

/**
 * True when `encodedHash` was made with parameters weaker than `ARGON2_PARAMS` (another Argon2 variant,
 * an older version, less memory, fewer passes or a shorter output), or cannot be parsed. Call it after a
 * successful `verifyPassword` and, when true, store `hashPassword(password)` in its place. A hash made
 * with stronger parameters than today's is left alone.
 */
export function needsRehash(encodedHash: string): boolean {
  try {
    const parsed = parseOptions(encodedHash);
    return (
      parsed.algorithm !== ARGON2ID ||
      parsed.version !== VERSION_0X13 ||
      parsed.memoryCost < ARGON2_PARAMS.memoryCost ||
      parsed.timeCost < ARGON2_PARAMS.timeCost ||
      parsed.outputLen < ARGON2_PARAMS.outputLen ||
      parsed.saltLen < 16
    );
  } catch {
    return true;
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * The hash `verifyAgainstDummy` checks against: made once, on first use, with today's parameters, from
 * a random secret that is then forgotten, so no password can ever match it.
 */
function getDummyHash(): Promise<string> {
  if (!dummyHash) {
    const pending = hash(randomBytes(32).toString('base64url'), HASH_OPTIONS);
    dummyHash = pending;
    // A failure must not be cached forever: let the next call try again.
    pending.catch(() => {
      if (dummyHash === pending) dummyHash = undefined;
    });
  }
  return dummyHash;
}

/**
 * Computes the dummy hash ahead of time. Call it at server start-up, so that the first login for an
 * unknown email does not take twice as long as a wrong password (which would tell the two apart).
 */
export async function warmUpPasswordHashing(): Promise<void> {
  await getDummyHash();
}

/**
 * Spends the same work as `verifyPassword` against a real account — an Argon2id verification with the
 * same parameters — and always answers `false`. Use it when the email is unknown (or the account is
 * disabled), so that the response time does not reveal whether an account exists.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  try {
    await verify(await getDummyHash(), normalizePassword(password));
  } catch {
    // Same outcome as a mismatch: the caller answers "wrong email or password" either way.
  }
  return false;
}
