import { createHmac, randomBytes } from 'node:crypto';
import { KakeiboError } from '@kakeibo/core';
import type { RateLimiter } from './rate-limiter.js';

/**
 * Throttling of password guesses, per source address and per account. Unknown and known emails are
 * counted alike, so the throttle itself reveals nothing. The account limit is generous and its window
 * short, so an attacker can hold a real user out for at most one window (15 minutes), never for good.
 */
export interface LoginLimits {
  windowMs: number;
  failuresPerAccount: number;
  failuresPerIp: number;
  signupsPerIp: number;
  signupWindowMs: number;
}

export const LOGIN_LIMITS: LoginLimits = Object.freeze({
  windowMs: 15 * 60 * 1000,
  failuresPerAccount: 10,
  failuresPerIp: 30,
  signupsPerIp: 10,
  signupWindowMs: 60 * 60 * 1000,
});

/** A guess counted before its password is checked; a right password gives it back. */
export interface Attempt {
  succeeded(): Promise<void>;
}

/**
 * Every guess is counted before its password is checked, by one atomic step per budget (the
 * limiter's `record`), and refused when that takes a budget past its limit: concurrent guesses
 * cannot all pass a check before any of them is counted, whatever the backend. A right password
 * then gives its guess back.
 */
export class LoginThrottle {
  /**
   * @param keyHashKey budgets are named by a keyed hash of the e-mail or address they count, so a
   *   shared limiter (Redis) never holds either in clear; instances sharing it must share this key.
   */
  constructor(
    private readonly limiter: RateLimiter,
    private readonly now: () => number = Date.now,
    private readonly limits: LoginLimits = LOGIN_LIMITS,
    private readonly keyHashKey: Buffer = randomBytes(32),
  ) {}

  private key(kind: string, value: string): string {
    return `${kind}:${createHmac('sha256', this.keyHashKey).update(value, 'utf8').digest('base64url')}`;
  }

  /** Reserves one sign-in guess for the email and the address; `auth.throttled` past either budget. */
  async signIn(email: string, ip: string): Promise<Attempt> {
    const account = this.key('login:account', email);
    const source = this.key('login:ip', ip);
    await this.reserve([
      [account, this.limits.failuresPerAccount],
      [source, this.limits.failuresPerIp],
    ]);
    return {
      // The account's window starts over; the address keeps its other guesses.
      succeeded: async () => {
        await Promise.all([this.limiter.reset(account), this.limiter.release(source)]);
      },
    };
  }

  /**
   * Reserves one password re-check of a signed-in person (changing the password, deleting the
   * account): a budget of its own, so wrong guesses there are throttled without ever locking the
   * owner out of signing in.
   */
  async reauthenticate(userId: string): Promise<Attempt> {
    const key = `reauth:user:${userId}`;
    await this.reserve([[key, this.limits.failuresPerAccount]]);
    return { succeeded: () => this.limiter.reset(key) };
  }

  /** Sign-ups are limited per address: each costs a password hash and creates an account. */
  async signup(ip: string): Promise<void> {
    await this.reserve([[this.key('signup:ip', ip), this.limits.signupsPerIp]], this.limits.signupWindowMs);
  }

  private async reserve(
    budgets: ReadonlyArray<readonly [key: string, limit: number]>,
    windowMs = this.limits.windowMs,
  ): Promise<void> {
    const counted = await Promise.all(budgets.map(([key]) => this.limiter.record(key, windowMs)));
    let spent: number | null = null;
    for (const [i, { count, resetAt }] of counted.entries()) {
      if (count > (budgets[i] as readonly [string, number])[1]) spent = Math.max(spent ?? 0, resetAt);
    }
    if (spent !== null) throw this.throttled(spent);
  }

  private throttled(resetAt: number): KakeiboError {
    const retryAfterSeconds = Math.max(1, Math.ceil((resetAt - this.now()) / 1000));
    return new KakeiboError(
      'auth.throttled',
      `Too many attempts. Try again in ${retryAfterSeconds} seconds.`,
      { retryAfterSeconds },
    );
  }
}
