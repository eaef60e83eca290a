import { KakeiboError } from '@kakeibo/core';
import { COMMON_PASSWORDS, COMMON_SHORT_STEMS } from './common-passwords.js';

/**
 * Password policy, after OWASP ASVS 5 (V6.2) and NIST SP 800-63B: a length window, a block-list of the
 * most common passwords and of trivial patterns, nothing derived from the account — and no composition
 * rules (no "one upper-case, one digit, one symbol"), which make passwords harder to remember without
 * making them harder to guess. Any Unicode text is allowed, spaces and emoji included.
 *
 * Lengths are counted in Unicode code points after NFC normalisation, so "café" is 4 whichever way the
 * keyboard composed it, and an emoji counts once.
 */

export const PASSWORD_MIN_LENGTH = 8;
/** Generous enough for any passphrase or password-manager output; bounds the hashing input. */
export const PASSWORD_MAX_LENGTH = 128;

/** Why a password was refused; carried in `KakeiboError.details.reason` (the password never is). */
export type WeakPasswordReason =
  | 'too_short'
  | 'too_long'
  | 'matches_email'
  | 'app_name'
  | 'trivial'
  | 'common';

/**
 * The one canonical form of a password, used both by the policy and for hashing, so that the same
 * characters typed on two devices that compose them differently (NFC "é" vs NFD "e" + U+0301) hash the
 * same. NFC (not NFKC) keeps distinct characters distinct, as RFC 8265's OpaqueString profile does.
 */
export function normalizePassword(password: string): string {
  return password.normalize('NFC');
}

/**
 * Throws `KakeiboError('auth.weak_password', …)` with one sentence saying why when `password` may not be
 * used; returns normally when it may. `context.email` is the account's email, when known.
 */
export function checkPasswordPolicy(password: string, context: { email?: string } = {}): void {
  const normalized = normalizePassword(password);
  const length = codePointLength(normalized);
  if (length < PASSWORD_MIN_LENGTH) {
    throw weak(
      'too_short',
      `The password is too short: use at least ${PASSWORD_MIN_LENGTH} characters (a few unrelated words make a good one).`,
      { minLength: PASSWORD_MIN_LENGTH, length },
    );
  }
  if (length > PASSWORD_MAX_LENGTH) {
    throw weak('too_long', `The password is too long: use at most ${PASSWORD_MAX_LENGTH} characters.`, {
      maxLength: PASSWORD_MAX_LENGTH,
      length,
    });
  }

  const lower = normalized.toLowerCase();
  const candidates = candidateForms(lower);

  const email = context.email?.trim().normalize('NFC').toLowerCase();
  if (email) {
    const at = email.lastIndexOf('@');
    const localPart = at > 0 ? email.slice(0, at) : email;
    if (
      candidates.has(email) ||
      candidates.has(localPart) ||
      isNearlyAll(lower, email) ||
      (codePointLength(localPart) >= 3 && isNearlyAll(lower, localPart))
    ) {
      throw weak('matches_email', 'The password must not be your email address or the name part of it.');
    }
  }

  if (APP_NAMES.some((name) => isNearlyAll(lower, name))) {
    throw weak(
      'app_name',
      'The password is mostly the name of this app, which is the first thing an attacker tries.',
    );
  }

  for (const candidate of candidates) {
    if (COMMON_PASSWORDS.has(candidate) || COMMON_SHORT_STEMS.has(candidate)) {
      throw weak(
        'common',
        'The password is one of the most commonly used passwords (even with digits or symbols added), so it would be guessed quickly; choose something less predictable, such as a few unrelated words.',
      );
    }
  }

  if (isTrivial(lower) || trivialStems(lower).some(isTrivial)) {
    throw weak(
      'trivial',
      'The password is a repeated character, a repeated short pattern or a simple run such as 12345678, abcdefgh or qwertyui, which is guessed instantly.',
    );
  }
}

/** The app's own name, in the spellings a person would type. */
const APP_NAMES = ['kakeibo', '家計簿', 'かけいぼ', 'カケイボ'];

/** Digits, punctuation, symbols and spaces: what people pad a weak word with. */
const PADDING = '[\\p{Nd}\\p{P}\\p{S}\\s]';
const TRAILING_PUNCTUATION = /[\p{P}\p{S}\s]+$/u;
const TRAILING_PADDING = new RegExp(`${PADDING}+$`, 'u');
const LEADING_PADDING = new RegExp(`^${PADDING}+`, 'u');
const ALL_PADDING = new RegExp(PADDING, 'gu');

/** Common substitutions ("p@ssw0rd"), undone before looking a password up. */
const LEET: Readonly<Record<string, string>> = {
  '@': 'a',
  '4': 'a',
  '8': 'b',
  '(': 'c',
  '3': 'e',
  '6': 'g',
  '1': 'i',
  '!': 'i',
  '|': 'l',
  '0': 'o',
  $: 's',
  '5': 's',
  '7': 't',
  '+': 't',
  '2': 'z',
};

/**
 * The forms of a lower-cased password to look up: as typed; without trailing punctuation
 * ("qwerty123!" → "qwerty123"); without trailing digits and punctuation ("password123!" → "password");
 * without padding at either end ("2024summer!" → "summer"); each also with leetspeak undone, before and
 * after stripping ("p@ssw0rd1" → "password").
 */
function candidateForms(lower: string): Set<string> {
  const forms = new Set<string>();
  for (const base of [lower, unleet(lower)]) {
    for (const stripped of strippedForms(base)) {
      forms.add(stripped);
      forms.add(unleet(stripped));
    }
  }
  forms.delete('');
  return forms;
}

function strippedForms(value: string): string[] {
  return [
    value,
    value.replace(TRAILING_PUNCTUATION, ''),
    value.replace(TRAILING_PADDING, ''),
    value.replace(TRAILING_PADDING, '').replace(LEADING_PADDING, ''),
  ];
}

function unleet(value: string): string {
  let out = '';
  for (const char of value) out += LEET[char] ?? char;
  return out;
}

/**
 * True when `word` makes up nearly all of `lower`: what is left once every occurrence is removed has
 * fewer than 5 letters ("kakeibo2024!", "mykakeibo" — but not "kakeibo is my favourite app").
 */
function isNearlyAll(lower: string, word: string): boolean {
  if (word.length === 0 || !lower.includes(word)) return false;
  const rest = lower.split(word).join('').replace(ALL_PADDING, '');
  return codePointLength(rest) < 5;
}

/** A password and, when it is long enough to judge, its stem without trailing padding. */
function trivialStems(lower: string): string[] {
  return [lower.replace(TRAILING_PUNCTUATION, ''), lower.replace(TRAILING_PADDING, '')].filter(
    (stem) => stem !== lower && codePointLength(stem) >= 6,
  );
}

/** Keyboard walks (including across rows) and the alphabet; a password inside one, either way, is a run. */
const WALKS = [
  '1234567890',
  'qwertyuiopasdfghjklzxcvbnm',
  'azertyuiopqsdfghjklmwxcvbn',
  'qwertzuiopasdfghjklyxcvbnm',
  '1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p',
  'abcdefghijklmnopqrstuvwxyz',
];
const REVERSED_WALKS = WALKS.map((walk) => [...walk].reverse().join(''));

/**
 * A single repeated character ("aaaaaaaa"), a repeated unit of up to 4 characters ("abababab",
 * "123123123", "asdfasdf"), a run of consecutive code points either way ("12345678", "hgfedcba"),
 * or a stretch of a keyboard walk or the alphabet ("qwertyui", "1qaz2wsx", "0987654321").
 */
function isTrivial(value: string): boolean {
  const points = [...value].map((char) => char.codePointAt(0) ?? 0);
  if (points.length < 2) return true;

  for (let unit = 1; unit <= 4 && unit * 2 <= points.length; unit += 1) {
    if (points.every((point, index) => index < unit || point === points[index - unit])) return true;
  }

  for (const step of [1, -1]) {
    if (points.every((point, index) => index === 0 || point - (points[index - 1] ?? 0) === step)) return true;
  }

  return WALKS.some((walk) => walk.includes(value)) || REVERSED_WALKS.some((walk) => walk.includes(value));
}

function codePointLength(value: string): number {
  let count = 0;
  for (const _ of value) count += 1;
  return count;
}

function weak(
  reason: WeakPasswordReason,
  message: string,
  extra: Record<string, unknown> = {},
): KakeiboError {
  return new KakeiboError('auth.weak_password', message, { reason, ...extra });
}
