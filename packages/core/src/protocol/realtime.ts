import { z } from 'zod';

/**
 * Real-time notices over a WebSocket. Browsers cannot put headers on a WebSocket handshake, so the
 * handshake is authorised by a ticket: a signed, session-authenticated `POST /v1/realtime/ticket`
 * returns a random single-use ticket valid for 30 s, and the device connects to
 * `GET /v1/realtime?ticket=…` (wss:// in production). The socket only ever says "something moved";
 * data always travels over the signed pull, so a socket carries nothing worth stealing.
 */
export const REALTIME_TICKET_TTL_MS = 30_000;
/** The server pings every connection this often and drops one that missed two pongs. */
export const REALTIME_HEARTBEAT_MS = 25_000;

export const RealtimeTicketSchema = z.strictObject({
  ticket: z.string().min(32).max(128),
  expiresAt: z.string(),
});

export const RealtimeQuerySchema = z.strictObject({ ticket: z.string().min(32).max(128) });

/** Server → device messages (JSON text frames). */
export const RealtimeMessageSchema = z.discriminatedUnion('type', [
  /** The connection is live; the ledger's head at that moment (pull if yours is behind). */
  z.strictObject({ type: z.literal('hello'), head: z.number().int().min(0) }),
  /** The ledger moved: pull after your cursor. Coalesced: one notice may stand for many pushes. */
  z.strictObject({ type: z.literal('ledger'), head: z.number().int().min(0) }),
  /** This device's session ended (revoked, signed out, account disabled); the socket closes next. */
  z.strictObject({ type: z.literal('revoked'), code: z.string() }),
]);

export type RealtimeTicket = z.infer<typeof RealtimeTicketSchema>;
export type RealtimeMessage = z.infer<typeof RealtimeMessageSchema>;

/** WebSocket close codes (4000–4999 are the application's). */
export const REALTIME_CLOSE = Object.freeze({
  /** The ticket was unknown, used or expired: get a new one. */
  badTicket: 4001,
  /** The device's session ended: sign in again; do not reconnect. */
  revoked: 4003,
  /** The server is shutting down or rebalancing: reconnect (with backoff) to any instance. */
  goingAway: 1001,
});
