import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateDataKey, openText, sealText, unwrapKey, wrapKey } from '../src/crypto/envelope.js';

describe('envelope encryption', () => {
  const key = generateDataKey();
  const aad = 'ledger-1/expenses/row-1';

  it('round-trips text, including non-ASCII and empty strings', () => {
    for (const text of ['{"payee":"八百屋"}', '', 'x'.repeat(20_000)]) {
      const sealed = sealText(key, aad, text);
      expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]+$/);
      expect(sealed).not.toContain(text || '\u0000');
      expect(openText(key, aad, sealed)).toBe(text);
    }
  });

  it('refuses the wrong key', () => {
    const sealed = sealText(key, aad, 'secret');
    expect(() => openText(generateDataKey(), aad, sealed)).toThrow(
      expect.objectContaining({ code: 'crypto.decrypt_failed' }),
    );
  });

  it('refuses the wrong associated data (a value moved to another row)', () => {
    const sealed = sealText(key, aad, 'secret');
    expect(() => openText(key, 'ledger-1/expenses/row-2', sealed)).toThrow(
      expect.objectContaining({ code: 'crypto.decrypt_failed' }),
    );
  });

  it('refuses a tampered ciphertext, tag or format', () => {
    const sealed = sealText(key, aad, 'secret value');
    const body = Buffer.from(sealed.slice(3), 'base64url');
    for (const index of [0, 12, body.length - 1]) {
      const tampered = Buffer.from(body);
      tampered[index] = (tampered[index] as number) ^ 0x01;
      expect(() => openText(key, aad, `v1.${tampered.toString('base64url')}`)).toThrow(
        expect.objectContaining({ code: 'crypto.decrypt_failed' }),
      );
    }
    for (const bad of [`v2.${sealed.slice(3)}`, sealed.slice(3), 'v1.', 'v1.AAAA']) {
      expect(() => openText(key, aad, bad)).toThrow(
        expect.objectContaining({ code: 'crypto.decrypt_failed' }),
      );
    }
  });

  it('uses a fresh IV every time', () => {
    const ivs = new Set<string>();
    const sealedValues = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const sealed = sealText(key, aad, 'same text');
      sealedValues.add(sealed);
      ivs.add(Buffer.from(sealed.slice(3), 'base64url').subarray(0, 12).toString('hex'));
    }
    expect(ivs.size).toBe(1000);
    expect(sealedValues.size).toBe(1000);
  });

  it('wraps a data key for one ledger only', () => {
    const master = randomBytes(32);
    const dataKey = generateDataKey();
    expect(dataKey).toHaveLength(32);
    expect(generateDataKey().equals(dataKey)).toBe(false);
    const wrapped = wrapKey(master, dataKey, 'ledger-a');
    expect(wrapped).not.toContain(dataKey.toString('base64url'));
    expect(unwrapKey(master, wrapped, 'ledger-a').equals(dataKey)).toBe(true);
    expect(() => unwrapKey(master, wrapped, 'ledger-b')).toThrow(
      expect.objectContaining({ code: 'crypto.decrypt_failed' }),
    );
    expect(() => unwrapKey(randomBytes(32), wrapped, 'ledger-a')).toThrow(
      expect.objectContaining({ code: 'crypto.decrypt_failed' }),
    );
  });

  it('refuses keys that are not 32 bytes', () => {
    expect(() => sealText(randomBytes(16), aad, 'x')).toThrow(
      expect.objectContaining({ code: 'crypto.bad_key' }),
    );
    expect(() => wrapKey(randomBytes(32), randomBytes(31), 'l')).toThrow(
      expect.objectContaining({ code: 'crypto.bad_key' }),
    );
  });
});
