import {
  EntityListQuerySchema,
  EntityParamsSchema,
  entityListPageSchema,
  entityRowSchema,
  TABLE_NAMES,
} from '@kakeibo/core';
import { type AnyRoute, type AuthContext, defineRoute } from '../http/route.js';
import type { ServerDeps } from '../services/context.js';
import { getEntity, listEntities } from '../services/entities.js';

/** GET /v1/{table} and /v1/{table}/{id} for every synced table: the read API for integrations. */
export const entityRoutes = (deps: ServerDeps): AnyRoute[] =>
  TABLE_NAMES.flatMap((table): AnyRoute[] => [
    defineRoute({
      method: 'GET',
      path: `/v1/${table}`,
      tag: 'read',
      summary: `Current ${table}, newest first, filtered by date range and category, keyset-paginated.`,
      auth: 'session',
      query: EntityListQuerySchema,
      response: entityListPageSchema(table),
      batchable: true,
      handler: (ctx) => listEntities(deps, ctx.auth as AuthContext, table, ctx.query),
    }),
    defineRoute({
      method: 'GET',
      path: `/v1/${table}/:id`,
      tag: 'read',
      summary: `One of the ${table} by id (deleted rows too, marked deleted).`,
      auth: 'session',
      params: EntityParamsSchema,
      response: entityRowSchema(table),
      batchable: true,
      handler: (ctx) => getEntity(deps, ctx.auth as AuthContext, table, ctx.params.id),
    }),
  ]);
