import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyPlugin from 'fastify-plugin';

/**
 * One log line per request, after its answer, at a level chosen by the outcome: a server error at
 * `error`, a refused request (4xx) at `info`, an answered one at `debug`. Fastify's own logging (two
 * `info` lines per request, health checks included) filled a terminal with thousands of lines an
 * hour of one person's use and cost every small request a write; at the default level a server now
 * says what went wrong, and `--log-level debug` shows every request again.
 */
export function requestLevel(status: number): 'error' | 'info' | 'debug' {
  if (status >= 500) return 'error';
  if (status >= 400) return 'info';
  return 'debug';
}

export const requestLog = fastifyPlugin(async (app: FastifyInstance) => {
  app.addHook('onResponse', async (request: FastifyRequest, reply: FastifyReply) => {
    const level = requestLevel(reply.statusCode);
    const ms = Math.round(reply.elapsedTime);
    request.log[level](
      { req: request, res: { statusCode: reply.statusCode }, responseTime: ms },
      `${request.method} ${request.routeOptions.url ?? 'unknown route'} ${reply.statusCode} ${ms} ms`,
    );
  });
});
