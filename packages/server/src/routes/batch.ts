import { BatchRequestSchema, BatchResponseSchema, isKakeiboError } from '@kakeibo/core';
import { parseQuery } from '../http/body.js';
import { executeRoute, matchPath } from '../http/execute.js';
import { problem, problemFromError, statusForCode } from '../http/problem.js';
import { type AnyRoute, type AuthContext, defineRoute } from '../http/route.js';
import type { ServerDeps } from '../services/context.js';

/**
 * Several API calls in one signed round trip, run in order with the caller's identity (a phone's radio
 * wakes once: push, pull and checksum together). Each call answers on its own: one failing call does
 * not fail the others.
 */
export const batchRoute = (deps: ServerDeps, routes: readonly AnyRoute[]) =>
  defineRoute({
    method: 'POST',
    path: '/v1/batch',
    tag: 'sync',
    summary: 'Run several /v1 calls in one round trip; each call gets its own status and body.',
    auth: 'session',
    body: BatchRequestSchema,
    response: BatchResponseSchema,
    handler: async (ctx) => {
      const results = [];
      for (const call of ctx.body.calls) {
        const url = new URL(call.path, 'http://batch.invalid');
        let route: AnyRoute | undefined;
        let params: Record<string, string> | null = null;
        for (const candidate of routes) {
          if (!candidate.batchable || candidate.method !== call.method) continue;
          params = matchPath(candidate.path, url.pathname);
          if (params) {
            route = candidate;
            break;
          }
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
          const body = await executeRoute(
            deps,
            route,
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
              ip: ctx.ip,
              header: () => {},
            },
            ctx.auth as AuthContext,
          );
          results.push({ status: route.status ?? 200, body });
        } catch (error) {
          if (!isKakeiboError(error)) throw error;
          results.push({ status: statusForCode(error.code), body: problemFromError(error) });
        }
      }
      return { results };
    },
  });
