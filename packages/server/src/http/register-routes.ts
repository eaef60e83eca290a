import { KakeiboError, PROTOCOL_HEADER, PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS } from '@kakeibo/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuthContext } from '../services/auth-context.js';
import type { ServerDeps } from '../services/context.js';
import { authenticateSession, type SignedRequest } from './authenticate.js';
import { parseQuery } from './body.js';
import type { RouteRequest } from './execute.js';
import type { ServerRoute } from './route.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller, on the routes of a plugin that authenticates sessions (set by its hook). */
    auth?: AuthContext | null;
  }
}

/** What every route plugin is registered with (besides its prefix). */
export interface RoutePluginOptions {
  deps: ServerDeps;
}

/**
 * A route path relative to the prefix of the plugin it is registered in: the full path is the core
 * entry's, the plugin's prefix (given where it is registered) must be the start of it.
 */
export function relativeUrl(instance: FastifyInstance, path: string): string {
  const { prefix } = instance;
  if (path !== prefix && !path.startsWith(`${prefix}/`)) {
    throw new Error(`${path} does not belong under the prefix ${prefix} of the plugin it is registered in.`);
  }
  return path.slice(prefix.length);
}

/** The URL's path and the text after its first `?` (empty when there is none). */
function splitUrl(url: string): { path: string; search: string } {
  const at = url.indexOf('?');
  return at < 0 ? { path: url, search: '' } : { path: url.slice(0, at), search: url.slice(at + 1) };
}

/** The request as its signature covers it: method, path and query as sent, the body as received. */
function signedRequest(request: FastifyRequest): SignedRequest {
  const { path, search } = splitUrl(request.url);
  return {
    method: request.method,
    path,
    query: search ? `?${search}` : '',
    body: request.rawBody ?? new Uint8Array(),
    headers: request.headers,
    // For a signature that covers @authority, @scheme or @target-uri (as other RFC 9421 signers may):
    // Fastify reads them from Host, or from X-Forwarded-Host/-Proto when the proxy is trusted.
    authority: request.host,
    scheme: request.protocol,
  };
}

/**
 * Makes `instance` a session scope: every route registered in it (and in its children) needs a valid
 * access token and a signature by that token's device. The hook runs at preValidation, once the body
 * has been read (the signature covers its digest) and before any of the request is validated.
 */
export function authenticateSessions(instance: FastifyInstance, deps: ServerDeps): void {
  instance.decorateRequest('auth', null);
  instance.addHook('preValidation', async (request) => {
    request.auth = await authenticateSession(deps, signedRequest(request));
  });
}

/**
 * Answers carry ledgers, sessions and tokens: no browser, proxy or service worker may keep a copy
 * (errors included: onRequest runs before anything can fail). A device speaking a protocol version
 * this server does not is told so before anything runs.
 */
async function answerAsApi(request: FastifyRequest, reply: FastifyReply) {
  reply.header('cache-control', 'no-store');
  reply.header(PROTOCOL_HEADER, String(PROTOCOL_VERSION));
  checkProtocol(request.headers[PROTOCOL_HEADER]);
}

function checkProtocol(header: string | string[] | undefined): void {
  if (header === undefined) return;
  const version = typeof header === 'string' && /^\d{1,4}$/.test(header) ? Number(header) : Number.NaN;
  if (SUPPORTED_PROTOCOL_VERSIONS.includes(version)) return;
  throw new KakeiboError(
    'protocol.unsupported',
    `This server speaks Kakeibo protocol ${SUPPORTED_PROTOCOL_VERSIONS.join(', ')}, not ${String(header)}: update the app (or the server).`,
    { supported: [...SUPPORTED_PROTOCOL_VERSIONS] },
  );
}

/**
 * Registers API routes on a plugin, at their entries' paths relative to its prefix. Session routes
 * go only where sessions are authenticated, and the others only where they are not, so a route
 * registered in the wrong scope stops the server at startup instead of answering unauthenticated.
 */
export function addRoutes(instance: FastifyInstance, deps: ServerDeps, routes: readonly ServerRoute[]): void {
  const sessionScope = instance.hasRequestDecorator('auth');
  for (const route of routes) {
    const { spec } = route;
    if ((spec.auth === 'session') !== sessionScope) {
      throw new Error(
        `${spec.method} ${spec.path} is a '${spec.auth}' route: register it ${sessionScope ? 'outside' : 'inside'} a scope that authenticates sessions.`,
      );
    }
    instance.route({
      method: spec.method,
      url: relativeUrl(instance, spec.path),
      onRequest: answerAsApi,
      handler: async (request, reply) => {
        const result = await route.run(deps, routeRequest(request, reply), request.auth ?? null);
        reply.code(spec.status ?? 200);
        return result;
      },
    });
  }
}

function routeRequest(request: FastifyRequest, reply: FastifyReply): RouteRequest {
  return {
    signed: signedRequest(request),
    params: request.params,
    query: parseQuery(splitUrl(request.url).search),
    body: request.body,
    ip: request.ip,
    header: (name, value) => {
      reply.header(name, value);
    },
  };
}
