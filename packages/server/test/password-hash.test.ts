import * as argon2 from '@node-rs/argon2';
import { describe, expect, it, vi } from 'vitest';
import {
  ARGON2_PARAMS,
  hashPassword,
  needsRehash,
  verifyAgainstDummy,
  verifyPassword,
  warmUpPasswordHashing,
} from '../src/accounts/password-hash.js';

// Pass-through spies, so a test can see which hash the dummy verification really runs against.
vi.mock('@node-rs/argon2', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@node-rs/argon2')>();
  return { ...actual, hash: vi.fn(actual.hash), verify: vi.fn(actual.verify) };
});

const rawArgon2Hash = argon2.hash;
const PHC_PREFIX = '$argon2id$v=19$m=19456,t=2,p=1$';

describe('ARGON2_PARAMS', () => {
  it('meets the OWASP ASVS 5 Argon2id baseline', () => {
    expect(ARGON2_PARAMS).toMatchObject({
      algorithm: 'argon2id',
      memoryCost: 19456,
      timeCost: 2,
      parallelism: 1,
    });
    expect(Object.isFrozen(ARGON2_PARAMS)).toBe(true);
  });
});

describe('hashPassword / verifyPassword', () => {
  it('produces an Argon2id PHC string with the policy parameters and a fresh salt', async () => {
    const first = await hashPassword('correct horse battery staple');
    const second = await hashPassword('correct horse battery staple');
    expect(first.startsWith(PHC_PREFIX)).toBe(true);
    expect(first).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(second).not.toBe(first);
    expect(argon2.parseOptions(first)).toMatchObject({
      memoryCost: 19456,
      timeCost: 2,
      parallelism: 1,
      outputLen: 32,
    });
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const encoded = await hashPassword('correct horse battery staple');
    await expect(verifyPassword(encoded, 'correct horse battery staple')).resolves.toBe(true);
    await expect(verifyPassword(encoded, 'correct horse battery stapler')).resolves.toBe(false);
    await expect(verifyPassword(encoded, 'Correct horse battery staple')).resolves.toBe(false);
    await expect(verifyPassword(encoded, '')).resolves.toBe(false);
  });

  it('returns false, never throws, for malformed hashes', async () => {
    const good = await hashPassword('a fine password');
    const malformed = [
      '',
      'not a hash',
      '$argon2id$',
      '$argon2id$v=19$m=19456,t=2,p=1$',
      '$argon2id$v=19$m=19456,t=2,p=1$!!!!$????',
      good.slice(0, -10),
      good.replace('$argon2id$', '$argon2xx$'),
      '$2b$12$abcdefghijklmnopqrstuuJ8Wl2b6U3mM0Q0tC2zqXH6yWcR2Cq1y', // bcrypt
      'a'.repeat(10_000),
    ];
    for (const encoded of malformed) {
      await expect(
        verifyPassword(encoded, 'a fine password'),
        JSON.stringify(encoded.slice(0, 40)),
      ).resolves.toBe(false);
    }
    await expect(verifyPassword(undefined as unknown as string, 'a fine password')).resolves.toBe(false);
  });

  it('treats NFC and NFD spellings of the same text as the same password', async () => {
    const nfc = 'caf\u00e9 au lait';
    const nfd = 'cafe\u0301 au lait';
    expect(nfc).not.toBe(nfd);
    const fromNfc = await hashPassword(nfc);
    const fromNfd = await hashPassword(nfd);
    await expect(verifyPassword(fromNfc, nfd)).resolves.toBe(true);
    await expect(verifyPassword(fromNfd, nfc)).resolves.toBe(true);
    await expect(verifyPassword(fromNfc, 'cafe au lait')).resolves.toBe(false);
  });

  it('handles Japanese, emoji and long passphrases', async () => {
    for (const password of [
      '私の家計簿は猫が管理している',
      '🦊 likes 🍙',
      `${'x'.repeat(64)} and more words`,
    ]) {
      const encoded = await hashPassword(password);
      await expect(verifyPassword(encoded, password)).resolves.toBe(true);
      await expect(verifyPassword(encoded, `${password}.`)).resolves.toBe(false);
    }
  });
});

describe('needsRehash', () => {
  it('is false for a hash made with the current parameters', async () => {
    expect(needsRehash(await hashPassword('a fine password'))).toBe(false);
  });

  it('is true for hashes made with weaker parameters', async () => {
    const weakMemory = await rawArgon2Hash('a fine password', {
      memoryCost: 4096,
      timeCost: 2,
      parallelism: 1,
    });
    expect(weakMemory).toContain('$m=4096,t=2,p=1$');
    expect(needsRehash(weakMemory)).toBe(true);
    // Still verifies, so the login can succeed and then upgrade the stored hash.
    await expect(verifyPassword(weakMemory, 'a fine password')).resolves.toBe(true);

    const weakTime = await rawArgon2Hash('a fine password', {
      memoryCost: 19456,
      timeCost: 1,
      parallelism: 1,
    });
    expect(needsRehash(weakTime)).toBe(true);

    // Argon2i (algorithm 1) is not the variant the policy asks for.
    const argon2i = await rawArgon2Hash('a fine password', { algorithm: 1, memoryCost: 19456, timeCost: 2 });
    expect(argon2i.startsWith('$argon2i$')).toBe(true);
    expect(needsRehash(argon2i)).toBe(true);
  });

  it('leaves stronger hashes alone', async () => {
    const stronger = await rawArgon2Hash('a fine password', {
      memoryCost: 32768,
      timeCost: 3,
      parallelism: 1,
    });
    expect(needsRehash(stronger)).toBe(false);
  });

  it('is true for anything it cannot parse', () => {
    expect(needsRehash('')).toBe(true);
    expect(needsRehash('not a hash')).toBe(true);
  });
});

describe('verifyAgainstDummy', () => {
  it('always answers false, whatever the password', async () => {
    await warmUpPasswordHashing();
    for (const password of ['', 'password', 'correct horse battery staple', 'caf\u00e9']) {
      await expect(verifyAgainstDummy(password)).resolves.toBe(false);
    }
  });

  it('runs a real Argon2id verification against one cached dummy hash with the policy parameters', async () => {
    await warmUpPasswordHashing();
    vi.mocked(argon2.hash).mockClear();
    vi.mocked(argon2.verify).mockClear();

    await verifyAgainstDummy('first guess');
    await verifyAgainstDummy('cafe\u0301 second guess');

    // No hashing per call: the dummy was computed once and cached.
    expect(argon2.hash).not.toHaveBeenCalled();
    const calls = vi.mocked(argon2.verify).mock.calls;
    expect(calls).toHaveLength(2);
    const [first, second] = calls;
    // The same work as verifying a real stored hash: same algorithm and cost parameters.
    expect(String(first?.[0]).startsWith(PHC_PREFIX)).toBe(true);
    expect(second?.[0]).toBe(first?.[0]);
    // The password is normalised exactly as verifyPassword does it.
    expect(second?.[1]).toBe('caf\u00e9 second guess');
  });
});
