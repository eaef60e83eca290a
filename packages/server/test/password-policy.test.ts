import { isKakeiboError, KakeiboError } from '@kakeibo/core';
import { describe, expect, it } from 'vitest';
import {
  COMMON_PASSWORD_LIST,
  COMMON_PASSWORDS,
  COMMON_SHORT_STEMS,
} from '../src/accounts/common-passwords.js';
import {
  checkPasswordPolicy,
  normalizePassword,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
} from '../src/accounts/password-policy.js';

/** The error `checkPasswordPolicy` throws, or undefined when it accepts the password. */
function rejection(password: string, email?: string): KakeiboError | undefined {
  try {
    checkPasswordPolicy(password, email === undefined ? {} : { email });
    return undefined;
  } catch (error) {
    if (!isKakeiboError(error)) throw error;
    return error;
  }
}

function expectRejected(password: string, reason: string, email?: string): KakeiboError {
  const error = rejection(password, email);
  expect(error, `expected ${JSON.stringify(password)} to be rejected`).toBeInstanceOf(KakeiboError);
  expect(error?.code).toBe('auth.weak_password');
  expect(error?.details?.reason, `reason for ${JSON.stringify(password)}`).toBe(reason);
  return error as KakeiboError;
}

function expectAccepted(password: string, email?: string): void {
  const error = rejection(password, email);
  expect(error?.message, `expected ${JSON.stringify(password)} to be accepted`).toBeUndefined();
}

describe('common password list', () => {
  it('has at least 400 entries and no duplicates', () => {
    expect(COMMON_PASSWORD_LIST.length).toBeGreaterThanOrEqual(400);
    const seen = new Set<string>();
    const duplicates: string[] = [];
    for (const entry of COMMON_PASSWORD_LIST) {
      if (seen.has(entry)) duplicates.push(entry);
      seen.add(entry);
    }
    expect(duplicates).toEqual([]);
    expect(COMMON_PASSWORDS.size).toBe(COMMON_PASSWORD_LIST.length);
  });

  it('holds only lower-case, NFC, space-free entries of 8+ code points', () => {
    const bad = COMMON_PASSWORD_LIST.filter(
      (entry) =>
        [...entry].length < 8 ||
        entry !== entry.toLowerCase() ||
        entry !== entry.normalize('NFC') ||
        /\s/.test(entry),
    );
    expect(bad).toEqual([]);
  });

  it('contains the classics', () => {
    for (const entry of [
      'password',
      '12345678',
      '123456789',
      'qwertyuiop',
      'iloveyou',
      'trustno1',
      'passw0rd',
    ]) {
      expect(COMMON_PASSWORDS.has(entry), entry).toBe(true);
    }
  });

  it('cannot be modified at run time', () => {
    const set = COMMON_PASSWORDS as Set<string>;
    expect(() => set.add('my-own-password')).toThrow(TypeError);
    expect(() => set.delete('password')).toThrow(TypeError);
    expect(() => set.clear()).toThrow(TypeError);
    expect(() => (COMMON_SHORT_STEMS as Set<string>).add('x')).toThrow(TypeError);
    expect(COMMON_PASSWORDS.has('password')).toBe(true);
    expect(Object.isFrozen(COMMON_PASSWORD_LIST)).toBe(true);
  });
});

describe('checkPasswordPolicy: common passwords', () => {
  it.each([
    'password',
    '12345678',
    '123456789',
    'iloveyou',
    'football',
    'sunshine',
    'princess',
    'trustno1',
    'passw0rd',
    'qwerty123',
    '1q2w3e4r',
    'abcd1234',
    'baseball',
    'superman',
    'starwars',
    'liverpool',
    'doraemon',
  ])('rejects %s', (password) => {
    expectRejected(password, 'common');
  });

  it.each([
    'Password1',
    'PASSWORD123',
    'Password123!',
    'qwerty123!',
    'Qwerty123!!',
    'P@ssw0rd',
    'p@ssw0rd1',
    'P4ssw0rd!',
    'iloveyou2024',
    'Football#1',
    'Summer2024!',
    '2024summer!',
    'Monkey123',
    'dragon!!',
    'letmein2024',
    'Welcome@123',
    'Sunshine!!!',
  ])('rejects the padded or substituted variant %s', (password) => {
    expectRejected(password, 'common');
  });

  it('explains the refusal without echoing the password', () => {
    const error = expectRejected('Password123!', 'common');
    expect(error.message).toMatch(/commonly used/);
    expect(error.message).not.toContain('Password123');
    expect(JSON.stringify(error.details)).not.toContain('Password123');
  });
});

describe('checkPasswordPolicy: messages', () => {
  it.each([
    ['short', 'too_short'],
    ['x'.repeat(129), 'too_long'],
    ['hanako@example.jp', 'matches_email'],
    ['kakeibo2024', 'app_name'],
    ['mmmmmmmmm', 'trivial'],
    ['iloveyou', 'common'],
  ])('gives one clear sentence for %s (%s)', (password, reason) => {
    const error = expectRejected(password, reason, 'hanako@example.jp');
    expect(error.message).toMatch(/^The password [^.!?]+\.$/);
  });
});

describe('checkPasswordPolicy: trivial patterns', () => {
  it.each([
    'kkkkkkkk',
    '!!!!!!!!!!',
    'zzzzzzzz1',
    '76543210',
    'cdefghijk',
    'hgfedcba',
    'MNOPQRSTU',
    'abababab',
    '456456456!',
    'xyzxyzxyz',
    'ertyuiop',
    'poiuytre',
    'sdfghjkl;',
    '1qaz2wsx3e',
    'kjhgfdsa',
    '34567890',
    'ああああああああ',
  ])('rejects %s (not on the common list, caught by the pattern rules)', (password) => {
    expect(COMMON_PASSWORDS.has(password.toLowerCase())).toBe(false);
    expectRejected(password, 'trivial');
  });
});

describe('checkPasswordPolicy: account-derived passwords', () => {
  const email = 'Hanako.Yamada@example.jp';

  it('rejects the email address itself, in any case', () => {
    expectRejected('hanako.yamada@example.jp', 'matches_email', email);
    expectRejected('HANAKO.YAMADA@EXAMPLE.JP', 'matches_email', email);
  });

  it('rejects the local part, alone or with digits and symbols added', () => {
    expectRejected('hanako.yamada', 'matches_email', email);
    expectRejected('Hanako.Yamada1990!', 'matches_email', email);
    expectRejected('shortname', 'matches_email', 'shortname@example.com');
  });

  it('accepts a password that merely shares a word with the email', () => {
    expectAccepted('hanako loves autumn leaves', email);
  });

  it('rejects the app name as nearly all of the password', () => {
    for (const password of ['kakeibo1', 'Kakeibo2024!', 'mykakeibo', 'KAKEIBO-KAKEIBO', '家計簿家計簿12']) {
      expectRejected(password, 'app_name');
    }
  });

  it('accepts the app name inside a real passphrase', () => {
    expectAccepted('kakeibo keeps our rice budget honest');
  });
});

describe('checkPasswordPolicy: length in code points', () => {
  it(`rejects fewer than ${PASSWORD_MIN_LENGTH} code points`, () => {
    expectRejected('', 'too_short');
    expectRejected('x7#Kq2!', 'too_short');
    // 4 emoji are 8 UTF-16 code units but only 4 code points.
    expect('🦊🌸🍙🚲'.length).toBe(8);
    expectRejected('🦊🌸🍙🚲', 'too_short');
    // NFD "café" + 3 more: 8 code units but 7 code points once composed.
    expectRejected('cafe\u0301abc', 'too_short');
  });

  it('accepts exactly 8 code points, including astral characters', () => {
    expectAccepted('x7#Kq2!v');
    expectAccepted('🦊🌸🍙🚲🎐🗻🍵🐟');
  });

  it(`accepts ${PASSWORD_MAX_LENGTH} code points and rejects ${PASSWORD_MAX_LENGTH + 1}`, () => {
    const unit = 'Zq3#vL9!m🦊'; // 10 code points, 11 code units
    const max = [...unit.repeat(13)].slice(0, PASSWORD_MAX_LENGTH).join('');
    expect([...max].length).toBe(PASSWORD_MAX_LENGTH);
    expect(max.length).toBeGreaterThan(PASSWORD_MAX_LENGTH);
    expectAccepted(max);
    const error = expectRejected(`${max}x`, 'too_long');
    expect(error.details?.maxLength).toBe(PASSWORD_MAX_LENGTH);
  });
});

describe('checkPasswordPolicy: good passwords pass (no composition rules)', () => {
  it.each([
    'correct horse battery staple',
    'all lower case words here',
    'xkcdwasright',
    'ALLUPPERCASEPASSPHRASE',
    'kJ8#mQ2$vL',
    'tr0ub4dor&3x',
    '58203917',
    'p4$$-in-the-rain',
    '私の家計簿は猫が管理している',
    'すしとてんぷらがだいすき',
    'café au lait sans sucre',
    '🦊 likes 🍙 and 🚲 rides',
    '  leading and trailing spaces  ',
    'ZmV0Y2ggdGhlIGJvbHQgY3V0dGVycw',
  ])('accepts %s', (password) => {
    expectAccepted(password);
  });

  it('accepts a 64+ character passphrase', () => {
    const long = 'the quick brown fox paid for the groceries with exact change on tuesday';
    expect([...long].length).toBeGreaterThanOrEqual(64);
    expectAccepted(long, 'someone@example.com');
  });

  it('accepts random strings', () => {
    const alphabet = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789-_!#%';
    let seed = 42;
    const next = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed;
    };
    for (let i = 0; i < 200; i += 1) {
      let password = '';
      for (let j = 0; j < 12; j += 1) password += alphabet[next() % alphabet.length];
      expectAccepted(password);
    }
  });
});

describe('normalizePassword', () => {
  it('composes to NFC and keeps everything else as typed', () => {
    expect(normalizePassword('cafe\u0301')).toBe('caf\u00e9');
    expect(normalizePassword('caf\u00e9')).toBe('caf\u00e9');
    expect(normalizePassword('  Mixed Case  ')).toBe('  Mixed Case  ');
  });
});
