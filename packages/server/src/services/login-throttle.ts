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

export class LoginThrottle {
  constructor(
    private readonly limiter: RateLimiter,
    private readonly now: () => number = Date.now,
    private readonly limits: LoginLimits = LOGIN_LIMITS,
  ) {}

  /** Throws `auth.throttled` (429, with retryAfterSeconds) when either budget is spent. */
  async check(email: string, ip: string): Promise<void> {
    const [account, source] = await Promise.all([
      this.limiter.peek(accountKey(email)),
      this.limiter.peek(ipKey(ip)),
    ]);
    if (account.count >= this.limits.failuresPerAccount) throw this.throttled(account.resetAt);
    if (source.count >= this.limits.failuresPerIp) throw this.throttled(source.resetAt);
  }

  async failed(email: string, ip: string): Promise<void> {
    await Promise.all([
      this.limiter.record(accountKey(email), this.limits.windowMs),
      this.limiter.record(ipKey(ip), this.limits.windowMs),
    ]);
  }

  async succeeded(email: string): Promise<void> {
    await this.limiter.reset(accountKey(email));
  }

  /** Sign-ups are limited per address: each costs a password hash and creates an account. */
  async signup(ip: string): Promise<void> {
    const key = `signup:ip:${ip}`;
    const { count, resetAt } = await this.limiter.peek(key);
    if (count >= this.limits.signupsPerIp) throw this.throttled(resetAt);
    await this.limiter.record(key, this.limits.signupWindowMs);
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

const accountKey = (email: string) => `login:account:${email}`;
const ipKey = (ip: string) => `login:ip:${ip}`;
