import {
  isKakeiboError,
  KakeiboError,
  LIMITS,
  PROTOCOL_HEADER,
  PROTOCOL_VERSION,
  SUPPORTED_PROTOCOL_VERSIONS,
} from '@kakeibo/core';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ServerDeps } from '../services/context.js';
import { decodeBody, decodedStream, parseQuery, readRaw } from './body.js';
import { executeRoute } from './execute.js';
import { problem, problemFromError } from './problem.js';
import type { AnyRoute } from './route.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The body exactly as received (before Content-Encoding is undone): what Content-Digest covers. */
    rawBody?: Buffer;
  }
}

/** Bodies are bounded by the largest message of the protocol (a full push batch). */
export const BODY_LIMIT = LIMITS.maxPushBytes;

const FASTIFY_CODES: Record<string, [code: string, detail: string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: ['request.too_large', `The request body is larger than ${BODY_LIMIT} bytes.`],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [
    'request.unsupported_media_type',
    'Send request bodies as application/json.',
  ],
  FST_ERR_CTP_EMPTY_JSON_BODY: ['request.empty_body', 'The request says it is JSON but has no body.'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: ['request.bad_length', 'Content-Length does not match the body.'],
  FST_ERR_BAD_URL: ['request.bad_url', 'The URL is malformed.'],
};

function sendProblem(reply: FastifyReply, p: ReturnType<typeof problem>) {
  // A body refused part-way was not read to its end: the connection cannot carry another request.
  if (p.status === 413) reply.header('connection', 'close');
  if (typeof p.retryAfterSeconds === 'number') reply.header('retry-after', String(p.retryAfterSeconds));
  return reply.code(p.status).type('application/problem+json').send(p);
}

/** Raw-body capture, JSON parsing, problem+json errors, and every RouteDef as a Fastify route. */
export interface RegisterOptions {
  /** Answers a request no route matched before the 404 problem (the web app's pages); true if it did. */
  pageFallback?: (request: FastifyRequest, reply: FastifyReply) => boolean;
}

export function registerRoutes(
  app: FastifyInstance,
  deps: ServerDeps,
  routes: readonly AnyRoute[],
  options: RegisterOptions = {},
) {
  app.addHook('preParsing', async (request, _reply, payload) => {
    const raw = await readRaw(payload, BODY_LIMIT);
    request.rawBody = raw;
    return decodedStream(decodeBody(raw, request.headers['content-encoding'], BODY_LIMIT), raw.length);
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    ['application/json', 'application/problem+json'],
    { parseAs: 'buffer' },
    (_req, body, done) => {
      try {
        done(null, (body as Buffer).length ? JSON.parse((body as Buffer).toString('utf8')) : undefined);
      } catch {
        done(
          new KakeiboError('request.invalid_json', 'The request body is not valid JSON.') as never,
          undefined,
        );
      }
    },
  );

  // Any other media type is refused, unless there is no body at all (a bare POST such as sign-out).
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => {
    if ((body as Buffer).length === 0) return done(null, undefined);
    done(
      new KakeiboError('request.unsupported_media_type', 'Send request bodies as application/json.') as never,
      undefined,
    );
  });

  app.setErrorHandler((error: FastifyError | KakeiboError, request, reply) => {
    if (isKakeiboError(error)) {
      const p = problemFromError(error);
      if (p.status >= 500) request.log.error({ code: error.code }, error.message);
      return sendProblem(reply, p);
    }
    const known = error.code ? FASTIFY_CODES[error.code] : undefined;
    if (known) return sendProblem(reply, problem(known[0], known[1]));
    if (error.statusCode && error.statusCode < 500) {
      return sendProblem(reply, problem('request.invalid', 'The request could not be read.'));
    }
    request.log.error({ err: { message: error.message, stack: error.stack } }, 'unhandled error');
    return sendProblem(reply, problem('internal', 'Something went wrong on the server; it has been logged.'));
  });

  app.setNotFoundHandler((request, reply) => {
    if (options.pageFallback?.(request, reply)) return reply;
    return sendProblem(
      reply,
      problem('route.not_found', `There is no ${request.method} ${request.url.split('?')[0]}.`),
    );
  });

  for (const route of routes) {
    app.route({
      method: route.method,
      url: route.path,
      // Answers carry ledgers, sessions and tokens: no browser, proxy or service worker may keep a copy
      // (errors included: onRequest runs before the handler can fail).
      onRequest: async (request, reply) => {
        reply.header('cache-control', 'no-store');
        reply.header(PROTOCOL_HEADER, String(PROTOCOL_VERSION));
        checkProtocol(request.headers[PROTOCOL_HEADER]);
      },
      handler: async (request: FastifyRequest, reply: FastifyReply) => {
        const [path, search = ''] = request.url.split(/\?(.*)/s) as [string, string?];
        const query = search ? `?${search}` : '';
        const result = await executeRoute(deps, route, {
          signed: {
            method: request.method,
            path,
            query,
            body: request.rawBody ?? new Uint8Array(),
            headers: request.headers,
          },
          params: (request.params ?? {}) as Record<string, string>,
          query: parseQuery(search),
          body: request.body,
          ip: request.ip,
          header: (name, value) => {
            reply.header(name, value);
          },
        });
        reply.code(route.status ?? 200);
        return result;
      },
    });
  }
}

/** A device speaking a protocol version this server does not is told so before anything runs. */
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
