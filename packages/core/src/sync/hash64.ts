import { canonicalJson } from './canonical.js';

/**
 * A fast, portable, non-cryptographic 64-bit string hash, as two 32-bit lanes.
 * It only has to make accidental collisions between replica states negligible (the checksum detects
 * divergence; it is no defence against a malicious server), and it must be identical in Node and
 * browsers, hence plain 32-bit integer maths on UTF-16 code units instead of a platform API.
 */
export interface Hash64 {
  hi: number;
  lo: number;
}

/** The running state of hash64 after some input: hashing continues from it (see `hashFrom`). */
export interface HashState {
  h1: number;
  h2: number;
}

/** The state before any input. */
export const HASH_SEED: HashState = Object.freeze({ h1: 0xdeadbeef, h2: 0x41c6ce57 });
const M1 = 0x9e3779b1;
const M2 = 0x5f356495;

/** Feeds `input` into a state. hash64(a + b) === hashFrom(absorb(a), b), so a shared prefix is hashed once. */
export function absorb(input: string, from: HashState = HASH_SEED): HashState {
  let h1 = from.h1;
  let h2 = from.h2;
  for (let i = 0; i < input.length; i++) {
    const c = input.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, M1);
    h2 = Math.imul(h2 ^ c, M2);
  }
  return { h1, h2 };
}

/** Finishes a hash: the rest of the input, then the final avalanche. */
export function hashFrom(state: HashState, rest: string): Hash64 {
  const { h1, h2 } = absorb(rest, state);
  return finish(h1, h2);
}

/** The final avalanche (murmur3 fmix-style), so that short inputs spread over all bits of both lanes. */
function finish(a: number, b: number): Hash64 {
  let h1 = a;
  let h2 = b;
  h1 = Math.imul(h1 ^ (h1 >>> 16), 0x85ebca6b) ^ Math.imul(h2 ^ (h2 >>> 13), 0xc2b2ae35);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 0x85ebca6b) ^ Math.imul(h1 ^ (h1 >>> 13), 0xc2b2ae35);
  h1 = Math.imul(h1 ^ (h1 >>> 15), 0x27d4eb2f) ^ (h2 >>> 7);
  h2 = Math.imul(h2 ^ (h2 >>> 15), 0x165667b1) ^ (h1 >>> 11);
  return { hi: h1 >>> 0, lo: h2 >>> 0 };
}

/** True for a UTF-16 unit JSON.stringify writes escaped (or, for surrogates, may): control, `"`, `\`. */
const escapedInJson = (c: number) => c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff);

/** `absorb(part + NUL, state)` without building that string: a stamp, once per row and stamp. */
export function absorbPart(state: HashState, part: string): HashState {
  let h1 = state.h1;
  let h2 = state.h2;
  for (let i = 0; i < part.length; i++) {
    const c = part.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, M1);
    h2 = Math.imul(h2 ^ c, M2);
  }
  // A NUL separator: x ^ 0 === x.
  return { h1: Math.imul(h1, M1), h2: Math.imul(h2, M2) };
}

/**
 * `hashFrom(state, field + NUL + canonicalJson(value))`, bit for bit, without building that string:
 * the checksum's hot path (a 100,000-row snapshot hashes over a million fields). A string value is
 * fed as `"…"` straight from its characters; only one JSON.stringify would escape something in (rare)
 * is serialised first. The loops are written out, not shared, so nothing is allocated per part. Kept
 * equal to the plain definition by a property test.
 */
export function hashFieldParts(state: HashState, field: string, value: unknown): Hash64 {
  let h1 = state.h1;
  let h2 = state.h2;
  for (let i = 0; i < field.length; i++) {
    const c = field.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, M1);
    h2 = Math.imul(h2 ^ c, M2);
  }
  h1 = Math.imul(h1, M1);
  h2 = Math.imul(h2, M2);
  let text: string | undefined;
  if (typeof value === 'string') {
    const before1 = h1;
    const before2 = h2;
    h1 = Math.imul(h1 ^ 0x22, M1);
    h2 = Math.imul(h2 ^ 0x22, M2);
    for (let i = 0; i < value.length; i++) {
      const c = value.charCodeAt(i);
      if (escapedInJson(c)) {
        text = JSON.stringify(value);
        h1 = before1;
        h2 = before2;
        break;
      }
      h1 = Math.imul(h1 ^ c, M1);
      h2 = Math.imul(h2 ^ c, M2);
    }
    if (text === undefined) {
      h1 = Math.imul(h1 ^ 0x22, M1);
      h2 = Math.imul(h2 ^ 0x22, M2);
      return finish(h1, h2);
    }
  } else {
    // The JSON of the other scalars, without asking JSON.stringify (a million times per bootstrap).
    text =
      value === null
        ? 'null'
        : value === true
          ? 'true'
          : value === false
            ? 'false'
            : typeof value === 'number' && Number.isFinite(value)
              ? String(value)
              : canonicalJson(value);
  }
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, M1);
    h2 = Math.imul(h2 ^ c, M2);
  }
  return finish(h1, h2);
}

export function hash64(input: string): Hash64 {
  return hashFrom(HASH_SEED, input);
}

export const hash64Hex = ({ hi, lo }: Hash64): string =>
  hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');

export function parseHash64Hex(hex: string): Hash64 {
  if (!/^[0-9a-f]{16}$/.test(hex)) throw new RangeError(`not a 64-bit hex hash: ${hex}`);
  return { hi: Number.parseInt(hex.slice(0, 8), 16), lo: Number.parseInt(hex.slice(8), 16) };
}
