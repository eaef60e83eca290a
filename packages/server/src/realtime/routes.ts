import { randomBytes } from 'node:crypto';
import {
  REALTIME_CLOSE,
  REALTIME_TICKET_TTL_MS,
  RealtimeQuerySchema,
  RealtimeTicketSchema,
} from '@kakeibo/core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { type AuthContext, defineRoute } from '../http/route.js';
import type { ServerDeps } from '../services/context.js';
import type { HubSocket, RealtimeHub } from './hub.js';

/** `POST /v1/realtime/ticket`: a signed session call buys a single-use, 30-second socket ticket. */
export const realtimeTicketRoute = (deps: ServerDeps) =>
  defineRoute({
    method: 'POST',
    path: '/v1/realtime/ticket',
    tag: 'realtime',
    summary: 'A single-use ticket (30 s) to open the realtime WebSocket at /v1/realtime?ticket=…',
    auth: 'session',
    body: z.strictObject({}).optional(),
    response: RealtimeTicketSchema,
    handler: async (ctx) => {
      const auth = ctx.auth as AuthContext;
      const ticket = randomBytes(32).toString('base64url');
      await deps.tickets.issue(ticket, auth, REALTIME_TICKET_TTL_MS);
      return { ticket, expiresAt: new Date(deps.now() + REALTIME_TICKET_TTL_MS).toISOString() };
    },
  });

/**
 * `GET /v1/realtime?ticket=…` (WebSocket). The upgrade itself always succeeds; a bad ticket or an
 * inactive device is answered by closing at once with a code the client acts on (4001: get a new
 * ticket; 4003: the session ended), because browsers cannot read an HTTP error on a failed upgrade.
 */
export function registerRealtimeSocket(app: FastifyInstance, deps: ServerDeps, hub: RealtimeHub) {
  app.get('/v1/realtime', { websocket: true }, (socket, request) => {
    const ws = socket as unknown as HubSocket;
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
}
