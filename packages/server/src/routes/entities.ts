import { ENTITY_ROUTES, TABLE_NAMES } from '@kakeibo/core';
import type { FastifyPluginAsync } from 'fastify';
import { addRoutes, authenticateSessions, type RoutePluginOptions } from '../http/register-routes.js';
import { defineRoute } from '../http/route.js';
import { getEntity, listEntities } from '../services/entities.js';

/** GET /v1/{table} and /v1/{table}/{id} for every synced table: the read API for integrations. */
export const READ_ROUTES = TABLE_NAMES.flatMap((table) => [
  defineRoute(ENTITY_ROUTES[table].list, {
    tag: 'read',
    summary: `Current ${table}, newest first, filtered by date range and category, keyset-paginated.`,
    batchable: true,
    handler: ({ deps, auth, query }) => listEntities(deps, auth, table, query),
  }),
  defineRoute(ENTITY_ROUTES[table].get, {
    tag: 'read',
    summary: `One of the ${table} by id (deleted rows too, marked deleted).`,
    batchable: true,
    handler: ({ deps, auth, params }) => getEntity(deps, auth, table, params.id),
  }),
]);

/** `/v1/{table}` and `/v1/{table}/:id`: the read API, for a signed session. */
export const readPlugin: FastifyPluginAsync<RoutePluginOptions> = async (read, { deps }) => {
  authenticateSessions(read, deps);
  addRoutes(read, deps, READ_ROUTES);
};
