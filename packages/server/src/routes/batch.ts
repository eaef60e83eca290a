import { isKakeiboError, ROUTES } from '@kakeibo/core';
import type { FastifyPluginAsync } from 'fastify';
import { parseQuery } from '../http/body.js';
import { matchPath } from '../http/execute.js';
import { problem, problemFromError, statusForCode } from '../http/problem.js';
import { addRoutes, authenticateSessions, type RoutePluginOptions } from '../http/register-routes.js';
import { defineRoute, type ServerRoute } from '../http/route.js';

/**
 * Several API calls in one signed round trip, run in order with the caller's identity (a phone's radio
 * wakes once: push, pull and checksum together). Each call answers on its own: one failing call does
 * not fail the others. Only the batchable ones among `routes` can be called, and they run through the
 * same validate-and-handle path as when they are called on their own.
 */
export const batchRoute = (routes: readonly ServerRoute[]): ServerRoute => {
  const callable = routes.filter((route) => route.batchable);
  return defineRoute(ROUTES.batch, {
    tag: 'sync',
    summary: 'Run several /v1 calls in one round trip; each call gets its own status and body.',
    handler: async ({ deps, auth, body, ip }) => {
      const results = [];
      for (const call of body.calls) {
        const url = new URL(call.path, 'http://batch.invalid');
        let route: ServerRoute | undefined;
        let params: Record<string, string> | null = null;
        try {
          for (const candidate of callable) {
            if (candidate.spec.method !== call.method) continue;
            params = matchPath(candidate.spec.path, url.pathname);
            if (params) {
              route = candidate;
              break;
            }
          }
        } catch (error) {
          if (!isKakeiboError(error)) throw error;
          results.push({ status: statusForCode(error.code), body: problemFromError(error) });
          continue;
        }
        if (!route || !params) {
          const p = problem(
            'route.not_found',
            `${call.method} ${url.pathname} cannot be called inside a batch.`,
          );
          results.push({ status: p.status, body: p });
          continue;
        }
        try {
          const answer = await route.run(
            deps,
            {
              signed: {
                method: call.method,
                path: url.pathname,
                query: url.search,
                body: new Uint8Array(),
                headers: {},
              },
              params,
              query: parseQuery(url.search),
              body: call.body,
              ip,
              header: () => {},
            },
            auth,
          );
          results.push({ status: route.spec.status ?? 200, body: answer });
        } catch (error) {
          if (!isKakeiboError(error)) throw error;
          results.push({ status: statusForCode(error.code), body: problemFromError(error) });
        }
      }
      return { results };
    },
  });
};

export interface BatchPluginOptions extends RoutePluginOptions {
  /** The batch route, made by batchRoute over the routes it may call. */
  batch: ServerRoute;
}

/** `/v1/batch`, for a signed session: its calls run with that session. */
export const batchPlugin: FastifyPluginAsync<BatchPluginOptions> = async (instance, { deps, batch }) => {
  authenticateSessions(instance, deps);
  addRoutes(instance, deps, [batch]);
};
