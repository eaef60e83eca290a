import compress from '@fastify/compress';
import helmet from '@fastify/helmet';
import websocket from '@fastify/websocket';
import { AUDIT_RETENTION_DAYS } from '@kakeibo/core';
import Fastify, { type FastifyInstance, type FastifyServerOptions, LogController } from 'fastify';
import { warmUpPasswordHashing } from './accounts/password-hash.js';
import { deriveSubkey, SUBKEY_PURPOSES } from './crypto/master-key.js';
import { buildOpenApi } from './http/openapi.js';
import { BODY_LIMIT, frameworkErrors, requestHandling } from './http/request-handling.js';
import { requestLog } from './http/request-log.js';
import { HTTP_TIMEOUTS, type HttpTimeouts, timeoutOptions } from './http/timeouts.js';
import { registerWebApp, serveAppPage } from './http/web-app.js';
import { RealtimeHub } from './realtime/hub.js';
import { REALTIME_TICKET_ROUTE, realtimePlugin } from './realtime/routes.js';
import { AUTH_ROUTES, accountPlugin, authPlugin } from './routes/auth.js';
import { batchPlugin, batchRoute } from './routes/batch.js';
import { DEVICE_ROUTES, devicesPlugin } from './routes/devices.js';
import { READ_ROUTES, readPlugin } from './routes/entities.js';
import { healthPlugin, openApiPlugin } from './routes/operations.js';
import { SYNC_ROUTES, syncPlugin } from './routes/sync.js';
import { AuditRetention } from './services/audit-retention.js';
import type { ServerDeps } from './services/context.js';
import { LOGIN_LIMITS, type LoginLimits, LoginThrottle } from './services/login-throttle.js';
import { type NonceCache, StorageNonceCache } from './services/nonce-cache.js';
import { MemoryRateLimiter, type RateLimiter } from './services/rate-limiter.js';
import { AccessTokens } from './services/tokens.js';
import { MemoryNotifier, MemoryTicketStore, type Notifier } from './shared/events.js';
import type { RedisShared } from './shared/redis.js';
import type { Storage } from './storage/types.js';

export const SERVER_VERSION = '0.1.0';

export interface AppOptions {
  storage: Storage;
  masterKey: Buffer;
  logger?: FastifyServerOptions['logger'];
  https?: { key: Buffer | string; cert: Buffer | string } | null;
  /** Trust X-Forwarded-* from a reverse proxy (its address or CIDR, or true). */
  trustProxy?: boolean | string;
  now?: () => number;
  nonces?: NonceCache;
  rateLimiter?: RateLimiter;
  /**
   * Shared state for several instances (Redis): notices, nonces, rate limits and tickets. Without it
   * everything runs in-process, which is right for one instance.
   */
  redis?: RedisShared | null;
  /** Replaces the notifier (fault tests drop notices with it); default: Redis's, else in-process. */
  notifier?: Notifier;
  /** Realtime heartbeat interval (tests shorten it). */
  heartbeatMs?: number;
  /** Override login and sign-up throttling (tests that sign up many accounts from one address). */
  loginLimits?: Partial<LoginLimits>;
  /** The built web app to serve at `/` (apps/web/dist); without it the server is the API alone. */
  webDir?: string | null;
  /** How long headers, a whole request and an idle connection may take (default HTTP_TIMEOUTS). */
  timeouts?: Partial<HttpTimeouts>;
  /** Days the security log is kept (default AUDIT_RETENTION_DAYS); older events are deleted hourly. */
  auditRetentionDays?: number;
}

/**
 * The whole HTTP server: security headers, compression, request handling (bodies, problem+json
 * errors, 404s), one plugin per API area, the realtime socket, health, and the web app if any.
 */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const now = options.now ?? Date.now;
  const redis = options.redis ?? null;
  const deps: ServerDeps = {
    storage: options.storage,
    tokens: new AccessTokens(deriveSubkey(options.masterKey, SUBKEY_PURPOSES.accessTokenMac), now),
    nonces: options.nonces ?? redis ?? new StorageNonceCache(options.storage, now),
    notifier: options.notifier ?? redis ?? new MemoryNotifier(),
    tickets: redis ?? new MemoryTicketStore(now),
    throttle: new LoginThrottle(
      options.rateLimiter ?? redis ?? new MemoryRateLimiter(now),
      now,
      { ...LOGIN_LIMITS, ...options.loginLimits },
      deriveSubkey(options.masterKey, SUBKEY_PURPOSES.throttleKeys),
    ),
    now,
  };
  // The dummy hash behind unknown-email sign-ins is made now, so the first one costs what the rest do.
  await warmUpPasswordHashing();
  const timeouts = timeoutOptions({ ...HTTP_TIMEOUTS, ...options.timeouts });
  const app = Fastify({
    logger: withRequestSerializer(options.logger ?? false),
    // Requests are logged once, after their answer, at a level by outcome (http/request-log.ts).
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: options.trustProxy ?? false,
    // Fastify's own default is 1 MiB; the protocol's limit (and what the 413 answer says) is this.
    bodyLimit: BODY_LIMIT,
    frameworkErrors,
    requestTimeout: timeouts.requestTimeout,
    keepAliveTimeout: timeouts.keepAliveTimeout,
    ...(options.https ? { https: { ...options.https, ...timeouts.server } } : { http: timeouts.server }),
  }) as unknown as FastifyInstance;

  await app.register(helmet, {
    hsts: options.https ? { maxAge: 63_072_000, includeSubDomains: true } : false,
    contentSecurityPolicy: { directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
  });
  await app.register(compress, {
    global: true,
    encodings: ['br', 'gzip'],
    threshold: 1024,
    globalDecompression: false,
  });

  if (options.webDir) await registerWebApp(app, options.webDir);
  await app.register(requestLog);
  await app.register(requestHandling, { ...(options.webDir && { pageFallback: serveAppPage }) });

  // Each area is a plugin at the prefix its routes' paths share (addRoutes checks that they do).
  // They come before @fastify/websocket, which takes over the handler of every route added after it.
  const api = [...AUTH_ROUTES, ...DEVICE_ROUTES, ...SYNC_ROUTES, ...READ_ROUTES, REALTIME_TICKET_ROUTE];
  const batch = batchRoute(api);
  await app.register(authPlugin, { prefix: '/v1/auth', deps });
  await app.register(accountPlugin, { prefix: '/v1/account', deps });
  await app.register(devicesPlugin, { prefix: '/v1/devices', deps });
  await app.register(syncPlugin, { prefix: '/v1/sync', deps });
  await app.register(readPlugin, { prefix: '/v1', deps });
  await app.register(batchPlugin, { prefix: '/v1/batch', deps, batch });
  await app.register(openApiPlugin, { document: buildOpenApi([...api, batch], SERVER_VERSION) });

  const hub = new RealtimeHub({
    storage: options.storage,
    notifier: deps.notifier,
    ...(options.heartbeatMs && { heartbeatMs: options.heartbeatMs }),
  });
  await app.register(websocket, {
    options: { maxPayload: 4096 },
    // On shutdown every socket is told 1001 (going away: reconnect, to another instance if need be).
    // A socket still mid-handshake or mid-close is cut, and any that has not finished closing after
    // two seconds is terminated, so shutdown never waits on a device.
    preClose: async () => {
      hub.close();
      const clients = [...app.websocketServer.clients];
      for (const client of clients) if (client.readyState !== client.OPEN) client.terminate();
      setTimeout(() => {
        for (const client of clients) client.terminate();
      }, 2_000).unref();
    },
  });
  await app.register(realtimePlugin, { prefix: '/v1/realtime', deps, hub });
  await app.register(healthPlugin, { storage: options.storage.kind, redis });

  const retention = new AuditRetention(
    options.storage,
    options.auditRetentionDays ?? AUDIT_RETENTION_DAYS,
    now,
    (error) => app.log.warn({ err: error }, 'pruning the security log failed; it is tried again in an hour'),
  );
  app.addHook('onReady', async () => retention.start());
  app.addHook('onClose', async () => retention.stop());
  return app;
}

/**
 * The logger, with requests logged without the secrets a URL can carry: the realtime socket's
 * single-use ticket travels in its query (browsers cannot send headers on a WebSocket handshake).
 */
function withRequestSerializer(logger: FastifyServerOptions['logger']): FastifyServerOptions['logger'] {
  if (!logger) return false;
  const base = logger === true ? {} : logger;
  return {
    ...base,
    serializers: {
      req: (request: { method: string; url: string; ip?: string }) => ({
        method: request.method,
        url: redactUrl(request.url),
        remoteAddress: request.ip,
      }),
    },
  };
}

/** A URL as logged: the value of every `ticket` query parameter replaced. */
export const redactUrl = (url: string): string => url.replace(/([?&]ticket=)[^&#]*/gi, '$1[redacted]');
