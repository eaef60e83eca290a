import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addRoutes, authenticateSessions } from '../src/http/register-routes.js';
import { AUTH_ROUTES } from '../src/routes/auth.js';
import { SYNC_ROUTES, syncPlugin } from '../src/routes/sync.js';
import type { ServerDeps } from '../src/services/context.js';
import { LOGIN_LIMITS, LoginThrottle } from '../src/services/login-throttle.js';
import { MemoryNonceCache } from '../src/services/nonce-cache.js';
import { MemoryRateLimiter } from '../src/services/rate-limiter.js';
import { AccessTokens } from '../src/services/tokens.js';
import { MemoryNotifier, MemoryTicketStore } from '../src/shared/events.js';
import { openSqliteStorage } from '../src/storage/sqlite/open.js';
import type { Storage } from '../src/storage/types.js';

/**
 * Route plugins check how they are wired when the server starts: a route in the wrong scope would
 * otherwise answer without its authentication, or at a path its core entry does not name.
 */
describe('route plugins', () => {
  let dir: string;
  let storage: Storage;
  let deps: ServerDeps;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kakeibo-plugins-'));
    storage = await openSqliteStorage({ file: join(dir, 'kakeibo.db'), key: randomBytes(32) });
    const now = Date.now;
    deps = {
      storage,
      tokens: new AccessTokens(randomBytes(32), now),
      nonces: new MemoryNonceCache(now),
      throttle: new LoginThrottle(new MemoryRateLimiter(now), now, LOGIN_LIMITS),
      notifier: new MemoryNotifier(),
      tickets: new MemoryTicketStore(now),
      now,
    };
  });

  afterAll(async () => {
    await storage?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Builds a bare Fastify app with `register`, as far as ready, and closes it again. */
  const boot = async (register: (app: FastifyInstance) => PromiseLike<unknown>) => {
    const app = Fastify();
    try {
      await register(app);
      await app.ready();
    } finally {
      await app.close();
    }
  };

  it('refuse a session route outside a session scope, and any other route inside one', async () => {
    await expect(
      boot((app) => app.register(async (open) => addRoutes(open, deps, SYNC_ROUTES), { prefix: '/v1/sync' })),
    ).rejects.toThrow(
      /POST \/v1\/sync\/push is a 'session' route: register it inside a scope that authenticates sessions/,
    );
    const proofRoutes = AUTH_ROUTES.filter((route) => route.spec.auth === 'proof');
    expect(proofRoutes).toHaveLength(2);
    await expect(
      boot((app) =>
        app.register(
          async (session) => {
            authenticateSessions(session, deps);
            addRoutes(session, deps, proofRoutes);
          },
          { prefix: '/v1/auth' },
        ),
      ),
    ).rejects.toThrow(/is a 'proof' route: register it outside a scope that authenticates sessions/);
  });

  it('refuse a route whose path is not under the prefix the plugin is registered with', async () => {
    await expect(boot((app) => app.register(syncPlugin, { prefix: '/v1/syncing', deps }))).rejects.toThrow(
      /\/v1\/sync\/push does not belong under the prefix \/v1\/syncing/,
    );
    await expect(
      boot((app) => app.register(syncPlugin, { prefix: '/v1/sync', deps })),
    ).resolves.toBeUndefined();
  });
});
