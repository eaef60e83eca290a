import { isKakeiboError, KakeiboError, LIMITS } from '@kakeibo/core';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import { decodeBody, decodedStream, readRaw } from './body.js';
import { problem, problemFromError } from './problem.js';

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

/**
 * Errors Fastify meets before any route or hook runs (a path whose percent-escapes do not decode, a
 * malformed Content-Type): answered as problem+json like every other refusal. Fastify takes this as
 * a server option (`frameworkErrors`), not from the error handler below.
 */
export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply) {
  const known = error.code ? FASTIFY_CODES[error.code] : undefined;
  return sendProblem(
    reply,
    known ? problem(known[0], known[1]) : problem('request.invalid', 'The request could not be read.'),
  );
}

export interface RequestHandlingOptions {
  /** Answers a request no route matched before the 404 problem (the web app's pages); true if it did. */
  pageFallback?: (request: FastifyRequest, reply: FastifyReply) => boolean;
}

/**
 * Raw-body capture, gzip bodies, JSON parsing, problem+json errors and the 404 answer, for the whole
 * server: this plugin is not encapsulated (fastify-plugin), because a request no route matched is
 * read and answered the same way, so these must sit on the root instance. Register it before the
 * route plugins: each copies the parsers and hooks of its parent when it is created.
 */
export const requestHandling = fastifyPlugin<RequestHandlingOptions>(
  async (app, options) => {
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
          done(null, body.length ? parseJsonBody(body) : undefined);
        } catch (error) {
          done(
            (isKakeiboError(error)
              ? error
              : new KakeiboError('request.invalid_json', 'The request body is not valid JSON.')) as never,
            undefined,
          );
        }
      },
    );

    // Any other media type is refused, unless there is no body at all (a bare POST such as sign-out).
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => {
      if (body.length === 0) return done(null, undefined);
      done(
        new KakeiboError(
          'request.unsupported_media_type',
          'Send request bodies as application/json.',
        ) as never,
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
      return sendProblem(
        reply,
        problem('internal', 'Something went wrong on the server; it has been logged.'),
      );
    });

    app.setNotFoundHandler((request, reply) => {
      if (options.pageFallback?.(request, reply)) return reply;
      return sendProblem(
        reply,
        problem('route.not_found', `There is no ${request.method} ${request.url.split('?')[0]}.`),
      );
    });
  },
  { name: 'kakeibo-request-handling', fastify: '5.x' },
);

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A JSON body as sent: its bytes must be UTF-8 (decoding them leniently would turn what is not into
 * U+FFFD and store something nobody sent), and no object in it may use the key `__proto__`, which
 * JSON.parse keeps as an own key that later code would take for the prototype. The reviver that
 * finds such a key only runs when the text holds one at all, so ordinary bodies pay nothing.
 */
function parseJsonBody(body: Buffer | string): unknown {
  let text: string;
  try {
    text = typeof body === 'string' ? body : utf8.decode(body);
  } catch {
    throw new KakeiboError(
      'request.invalid_utf8',
      'The request body is not valid UTF-8: send JSON encoded as UTF-8.',
    );
  }
  if (!text.includes('"__proto__"')) return JSON.parse(text);
  return JSON.parse(text, (key, value) => {
    if (key === '__proto__') {
      throw new KakeiboError(
        'request.forbidden_key',
        'The request body uses the key "__proto__", which is not allowed.',
      );
    }
    return value;
  });
}
