import { randomBytes } from 'node:crypto';
import {
  REALTIME_CLOSE,
  REALTIME_SOCKET_PATH,
  REALTIME_TICKET_TTL_MS,
  RealtimeQuerySchema,
  ROUTES,
} from '@kakeibo/core';
import type { FastifyPluginAsync } from 'fastify';
import {
  addRoutes,
  authenticateSessions,
  type RoutePluginOptions,
  relativeUrl,
} from '../http/register-routes.js';
import { defineRoute } from '../http/route.js';
import type { RealtimeHub } from './hub.js';

/** `POST /v1/realtime/ticket`: a signed session call buys a single-use, 30-second socket ticket. */
export const REALTIME_TICKET_ROUTE = defineRoute(ROUTES.realtimeTicket, {
  tag: 'realtime',
  summary: 'A single-use ticket (30 s) to open the realtime WebSocket at /v1/realtime?ticket=…',
  handler: async ({ deps, auth }) => {
    const ticket = randomBytes(32).toString('base64url');
    await deps.tickets.issue(ticket, auth, REALTIME_TICKET_TTL_MS);
    return { ticket, expiresAt: new Date(deps.now() + REALTIME_TICKET_TTL_MS).toISOString() };
  },
});

export interface RealtimePluginOptions extends RoutePluginOptions {
  hub: RealtimeHub;
}

/**
 * `/v1/realtime/*`: the ticket, for a signed session, and the socket it opens. Register it after
 * @fastify/websocket, which must see the socket route being added.
 */
export const realtimePlugin: FastifyPluginAsync<RealtimePluginOptions> = async (realtime, { deps, hub }) => {
  await realtime.register(async (tickets) => {
    authenticateSessions(tickets, deps);
    addRoutes(tickets, deps, [REALTIME_TICKET_ROUTE]);
  });

  /**
   * `GET /v1/realtime?ticket=…` (WebSocket), authenticated by its ticket alone. The upgrade itself
   * always succeeds; a bad ticket or an inactive device is answered by closing at once with a code the
   * client acts on (4001: get a new ticket; 4003: the session ended), because browsers cannot read an
   * HTTP error on a failed upgrade.
   */
  realtime.get(relativeUrl(realtime, REALTIME_SOCKET_PATH), { websocket: true }, (ws, request) => {
    void (async () => {
      const query = RealtimeQuerySchema.safeParse(request.query);
      const holder = query.success ? await deps.tickets.consume(query.data.ticket) : null;
      if (!holder) return ws.close(REALTIME_CLOSE.badTicket, 'bad or expired ticket');
      // Indexed before the device check: a revocation announced meanwhile still reaches it.
      await hub.add(ws, holder.ledgerId, holder.deviceId, async () => {
        const device = await deps.storage.findDevice(holder.ledgerId, holder.deviceId);
        return device && !device.revokedAt ? deps.storage.head(holder.ledgerId) : null;
      });
    })().catch(() => ws.close(1011, 'internal error'));
  });
};
