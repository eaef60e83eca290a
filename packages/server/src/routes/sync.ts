import { ROUTES } from '@kakeibo/core';
import type { FastifyPluginAsync } from 'fastify';
import { addRoutes, authenticateSessions, type RoutePluginOptions } from '../http/register-routes.js';
import { defineRoute } from '../http/route.js';
import { bucketRows, checksum, conflicts, pull, push, snapshot } from '../services/sync.js';

export const SYNC_ROUTES = [
  defineRoute(ROUTES.push, {
    tag: 'sync',
    summary: 'Push a batch of ops; each is acknowledged as applied, duplicate or rejected (with its reason).',
    batchable: true,
    handler: ({ deps, auth, body }) => push(deps, auth, body.ops),
  }),
  defineRoute(ROUTES.pull, {
    tag: 'sync',
    summary: 'Ops after a cursor, in sequence order, one bounded page at a time.',
    batchable: true,
    handler: ({ deps, auth, query }) => pull(deps, auth, query.after, query.limit),
  }),
  defineRoute(ROUTES.snapshot, {
    tag: 'sync',
    summary: 'Bootstrap: current rows at a watermark, paged; then pull from the watermark.',
    batchable: true,
    handler: ({ deps, auth, query }) => snapshot(deps, auth, query),
  }),
  defineRoute(ROUTES.checksum, {
    tag: 'sync',
    summary: 'The bucketed checksum of the ledger state, to verify a device after sync.',
    batchable: true,
    handler: ({ deps, auth }) => checksum(deps, auth),
  }),
  defineRoute(ROUTES.bucketRows, {
    tag: 'sync',
    summary: 'Repair: every row of one checksum bucket, paged.',
    batchable: true,
    handler: ({ deps, auth, query }) => bucketRows(deps, auth, query),
  }),
  defineRoute(ROUTES.conflicts, {
    tag: 'sync',
    summary: 'Conflicts recorded after a sequence number, for devices that joined later.',
    batchable: true,
    handler: ({ deps, auth, query }) => conflicts(deps, auth, query.after, query.limit),
  }),
];

/** `/v1/sync/*`: push, pull, bootstrap, checksums and repair, for a signed session. */
export const syncPlugin: FastifyPluginAsync<RoutePluginOptions> = async (sync, { deps }) => {
  authenticateSessions(sync, deps);
  addRoutes(sync, deps, SYNC_ROUTES);
};
