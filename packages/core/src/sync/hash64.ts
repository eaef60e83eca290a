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

const SEED: HashState = Object.freeze({ h1: 0xdeadbeef, h2: 0x41c6ce57 });

/** Feeds `input` into a state. hash64(a + b) === hashFrom(absorb(a), b), so a shared prefix is hashed once. */
export function absorb(input: string, from: HashState = SEED): HashState {
  let h1 = from.h1;
  let h2 = from.h2;
  for (let i = 0; i < input.length; i++) {
    const c = input.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x9e3779b1);
    h2 = Math.imul(h2 ^ c, 0x5f356495);
  }
  return { h1, h2 };
}

/** Finishes a hash: the rest of the input, then the final avalanche. */
export function hashFrom(state: HashState, rest: string): Hash64 {
  let { h1, h2 } = absorb(rest, state);
  // Final avalanche (murmur3 fmix-style) so that short inputs spread over all bits of both lanes.
  h1 = Math.imul(h1 ^ (h1 >>> 16), 0x85ebca6b) ^ Math.imul(h2 ^ (h2 >>> 13), 0xc2b2ae35);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 0x85ebca6b) ^ Math.imul(h1 ^ (h1 >>> 13), 0xc2b2ae35);
  h1 = Math.imul(h1 ^ (h1 >>> 15), 0x27d4eb2f) ^ (h2 >>> 7);
  h2 = Math.imul(h2 ^ (h2 >>> 15), 0x165667b1) ^ (h1 >>> 11);
  return { hi: h1 >>> 0, lo: h2 >>> 0 };
}

export function hash64(input: string): Hash64 {
  return hashFrom(SEED, input);
}

export const hash64Hex = ({ hi, lo }: Hash64): string =>
  hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');

export function parseHash64Hex(hex: string): Hash64 {
  if (!/^[0-9a-f]{16}$/.test(hex)) throw new RangeError(`not a 64-bit hex hash: ${hex}`);
  return { hi: Number.parseInt(hex.slice(0, 8), 16), lo: Number.parseInt(hex.slice(8), 16) };
}
