import { ROUTES } from '@kakeibo/core';
import type { FastifyPluginAsync } from 'fastify';
import { addRoutes, authenticateSessions, type RoutePluginOptions } from '../http/register-routes.js';
import { defineRoute } from '../http/route.js';
import { listDevices, revokeDevices } from '../services/devices.js';

export const DEVICE_ROUTES = [
  defineRoute(ROUTES.listDevices, {
    tag: 'devices',
    summary: 'The account’s active devices (sessions): name, platform, created, last seen.',
    batchable: true,
    handler: async ({ deps, auth }) => ({ devices: await listDevices(deps, auth) }),
  }),
  defineRoute(ROUTES.revokeDevices, {
    tag: 'devices',
    summary: 'Revoke devices by id, or every device but this one.',
    handler: async ({ deps, auth, body, ip }) => ({ revoked: await revokeDevices(deps, auth, body, ip) }),
  }),
];

/** `/v1/devices/*`: the account's devices, for a signed session. */
export const devicesPlugin: FastifyPluginAsync<RoutePluginOptions> = async (devices, { deps }) => {
  authenticateSessions(devices, deps);
  addRoutes(devices, deps, DEVICE_ROUTES);
};
