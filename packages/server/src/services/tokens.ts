import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { KakeiboError } from '@kakeibo/core';
import type { AuthContext } from './auth-context.js';

/**
 * Access tokens are short-lived and stateless: `kat1.<payload>.<mac>`, HMAC-SHA256 under a key derived
 * from the master key. They are useless alone: every request must also be signed by the device key
 * the token names, and the device must still be active, so revocation needs no token blacklist.
 * Refresh tokens are opaque random strings, stored only as SHA-256 hashes.
 */
export const ACCESS_TOKEN_TTL_MS = 10 * 60 * 1000;
export const REFRESH_TOKEN_TTL_MS = 60 * 24 * 60 * 60 * 1000;

const PREFIX = 'kat1';

interface AccessPayload {
  u: string;
  l: string;
  d: string;
  /** Expiry, Unix ms. */
  e: number;
  /** Minted at, Unix ms: refused when the device's sessions were ended after it (refresh-token reuse). */
  i: number;
}

/** What a valid access token says: the caller, and when the token was minted. */
export interface AccessClaims {
  auth: AuthContext;
  issuedAt: number;
}

const b64url = (buf: Buffer | string) => Buffer.from(buf).toString('base64url');

export class AccessTokens {
  constructor(
    private readonly macKey: Buffer,
    private readonly now: () => number = Date.now,
  ) {}

  mint(auth: AuthContext): { token: string; expiresAt: string } {
    const issuedAt = this.now();
    const expires = issuedAt + ACCESS_TOKEN_TTL_MS;
    const payload: AccessPayload = {
      u: auth.userId,
      l: auth.ledgerId,
      d: auth.deviceId,
      e: expires,
      i: issuedAt,
    };
    const body = b64url(JSON.stringify(payload));
    return { token: `${PREFIX}.${body}.${this.mac(body)}`, expiresAt: new Date(expires).toISOString() };
  }

  /** Throws `auth.invalid_token` for anything forged or malformed and `auth.token_expired` when old. */
  verify(token: string): AccessClaims {
    const parts = token.split('.');
    if (parts.length !== 3 || parts[0] !== PREFIX || token.length > 1024) throw invalidToken();
    const [, body, mac] = parts as [string, string, string];
    const expected = Buffer.from(this.mac(body));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw invalidToken();
    let payload: AccessPayload;
    try {
      payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as AccessPayload;
    } catch {
      throw invalidToken();
    }
    if (typeof payload.e !== 'number' || payload.e <= this.now()) {
      throw new KakeiboError('auth.token_expired', 'The access token has expired: refresh the session.');
    }
    return {
      auth: { userId: payload.u, ledgerId: payload.l, deviceId: payload.d },
      // A token minted before issuedAt existed counts as minted at the epoch: refused once sessions end.
      issuedAt: typeof payload.i === 'number' ? payload.i : 0,
    };
  }

  private mac(body: string): string {
    return createHmac('sha256', this.macKey).update(`${PREFIX}.${body}`).digest('base64url');
  }
}

const invalidToken = () =>
  new KakeiboError('auth.invalid_token', 'The access token is not valid: sign in again.');

export function newRefreshToken(): { token: string; hash: string } {
  const token = `krt1_${randomBytes(32).toString('base64url')}`;
  return { token, hash: hashRefreshToken(token) };
}

export const hashRefreshToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/** Reads `Authorization: Bearer <token>`; null when absent. */
export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer ([A-Za-z0-9._~+/=-]{1,1024})$/.exec(header);
  if (!match) throw invalidToken();
  return match[1] as string;
}
