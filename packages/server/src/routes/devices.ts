import { DeviceListSchema, RevokeDevicesRequestSchema, RevokeDevicesResponseSchema } from '@kakeibo/core';
import { type AuthContext, defineRoute } from '../http/route.js';
import type { ServerDeps } from '../services/context.js';
import { listDevices, revokeDevices } from '../services/devices.js';

export const deviceRoutes = (deps: ServerDeps) => [
  defineRoute({
    method: 'GET',
    path: '/v1/devices',
    tag: 'devices',
    summary: 'The account’s active devices (sessions): name, platform, created, last seen.',
    auth: 'session',
    response: DeviceListSchema,
    batchable: true,
    handler: async (ctx) => ({ devices: await listDevices(deps, ctx.auth as AuthContext) }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/devices/revoke',
    tag: 'devices',
    summary: 'Revoke devices by id, or every device but this one.',
    auth: 'session',
    body: RevokeDevicesRequestSchema,
    response: RevokeDevicesResponseSchema,
    handler: async (ctx) => ({
      revoked: await revokeDevices(deps, ctx.auth as AuthContext, ctx.body, ctx.ip),
    }),
  }),
];
