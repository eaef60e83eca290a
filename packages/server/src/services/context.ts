import type { Notifier, TicketStore } from '../shared/events.js';
import type { Storage } from '../storage/types.js';
import type { LoginThrottle } from './login-throttle.js';
import type { NonceCache } from './nonce-cache.js';
import type { AccessTokens } from './tokens.js';

/** Everything a service needs, built once at startup (see app.ts) and passed down explicitly. */
export interface ServerDeps {
  storage: Storage;
  tokens: AccessTokens;
  nonces: NonceCache;
  throttle: LoginThrottle;
  /** Tells every instance that a ledger moved or devices were revoked. */
  notifier: Notifier;
  tickets: TicketStore;
  now: () => number;
}
