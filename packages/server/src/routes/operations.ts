import { ROUTES, type RouteResponse } from '@kakeibo/core';
import type { FastifyPluginAsync } from 'fastify';
import { relativeUrl } from '../http/register-routes.js';
import type { RedisShared } from '../shared/redis.js';

/*
 * Open routes for operators and tools. They are not API routes: no signature, no protocol check, no
 * no-store (a load balancer may probe /healthz as often as it likes), and they are not in the OpenAPI
 * document they serve.
 */

export interface OpenApiPluginOptions {
  /** Built once at startup from the route definitions (see buildOpenApi). */
  document: unknown;
}

/** `GET /v1/openapi.json`. */
export const openApiPlugin: FastifyPluginAsync<OpenApiPluginOptions> = async (instance, { document }) => {
  instance.route({
    method: ROUTES.openApi.method,
    url: relativeUrl(instance, ROUTES.openApi.path),
    handler: async () => document,
  });
};

export interface HealthPluginOptions {
  /** The storage adapter's kind, as reported ('sqlite', 'postgres'). */
  storage: string;
  redis: RedisShared | null;
}

type Health = RouteResponse<typeof ROUTES.health>;

/** `GET /healthz`: 503 while Redis, which several instances need, cannot be reached. */
export const healthPlugin: FastifyPluginAsync<HealthPluginOptions> = async (instance, { storage, redis }) => {
  instance.route({
    method: ROUTES.health.method,
    url: relativeUrl(instance, ROUTES.health.path),
    handler: async (_request, reply): Promise<Health> => {
      const redisState = redis ? (redis.ready ? 'connected' : 'unreachable') : 'off';
      if (redisState === 'unreachable') reply.code(503);
      return { status: redisState === 'unreachable' ? 'degraded' : 'ok', storage, redis: redisState };
    },
  });
};
