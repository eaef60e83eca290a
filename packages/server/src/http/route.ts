import type { z } from 'zod';

/** Who may call a route, and how that is proven. */
export type RouteAuth =
  /** Open (health, OpenAPI). */
  | 'none'
  /** Sign-up and sign-in: signed by the key the body registers (proof of possession), no token yet. */
  | 'proof'
  /** Signed by the device key, the same key a refresh token is bound to; no access token needed. */
  | 'device-signed'
  /** Normal API calls: a valid access token plus a signature by that token's device. */
  | 'session';

/** The caller, once authenticated. */
export interface AuthContext {
  userId: string;
  ledgerId: string;
  deviceId: string;
}

export interface RouteContext<B, Q, P> {
  body: B;
  query: Q;
  params: P;
  /** Present on 'session' routes. */
  auth: AuthContext | null;
  /** The device key id that signed the request ('proof', 'device-signed', 'session'). */
  signerDeviceId: string | null;
  ip: string;
  /** Set a response header (for example Retry-After). */
  header(name: string, value: string): void;
}

/**
 * A route described by its zod schemas, independent of Fastify: the same definition is registered
 * with Fastify, executed inside a batch call, and published in the OpenAPI document.
 */
export interface RouteDef<B = unknown, Q = unknown, P = unknown, R = unknown> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Fastify-style path, e.g. `/v1/devices/:id`. */
  path: string;
  summary: string;
  tag: string;
  auth: RouteAuth;
  body?: z.ZodType<B>;
  query?: z.ZodType<Q>;
  params?: z.ZodType<P>;
  response: z.ZodType<R>;
  /** 200 unless said otherwise (201 for creation, 204 for no content). */
  status?: number;
  /** May be one of the calls of a batch request. */
  batchable?: boolean;
  /** For 'device-signed' routes: the ledger whose device must have signed (from the body). */
  signerLedger?: (body: B) => Promise<string | null>;
  handler(ctx: RouteContext<B, Q, P>): Promise<R>;
}

// biome-ignore lint/suspicious/noExplicitAny: a heterogeneous list of routes; each is typed where defined
export type AnyRoute = RouteDef<any, any, any, any>;

export const defineRoute = <B, Q, P, R>(route: RouteDef<B, Q, P, R>): RouteDef<B, Q, P, R> => route;
