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

export function hash64(input: string): Hash64 {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < input.length; i++) {
    const c = input.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x9e3779b1);
    h2 = Math.imul(h2 ^ c, 0x5f356495);
  }
  // Final avalanche (murmur3 fmix-style) so that short inputs spread over all bits of both lanes.
  h1 = Math.imul(h1 ^ (h1 >>> 16), 0x85ebca6b) ^ Math.imul(h2 ^ (h2 >>> 13), 0xc2b2ae35);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 0x85ebca6b) ^ Math.imul(h1 ^ (h1 >>> 13), 0xc2b2ae35);
  h1 = Math.imul(h1 ^ (h1 >>> 15), 0x27d4eb2f) ^ (h2 >>> 7);
  h2 = Math.imul(h2 ^ (h2 >>> 15), 0x165667b1) ^ (h1 >>> 11);
  return { hi: h1 >>> 0, lo: h2 >>> 0 };
}

export const hash64Hex = ({ hi, lo }: Hash64): string =>
  hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');

export function parseHash64Hex(hex: string): Hash64 {
  if (!/^[0-9a-f]{16}$/.test(hex)) throw new RangeError(`not a 64-bit hex hash: ${hex}`);
  return { hi: Number.parseInt(hex.slice(0, 8), 16), lo: Number.parseInt(hex.slice(8), 16) };
}
