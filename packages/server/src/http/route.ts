import type {
  DevicePublicKey,
  RouteBody,
  RouteParams,
  RouteQuery,
  RouteResponse,
  RouteSpec,
} from '@kakeibo/core';
import type { AuthContext } from '../services/auth-context.js';
import type { ServerDeps } from '../services/context.js';
import { type ErasedRouteDef, type RouteDoc, type RouteRequest, runRoute } from './execute.js';

/** What every handler receives: the request's parts as its core entry's schemas output them. */
export interface RequestParts<S extends RouteSpec> {
  deps: ServerDeps;
  body: RouteBody<S>;
  query: RouteQuery<S>;
  params: RouteParams<S>;
  ip: string;
  /** Set a response header (for example Retry-After). */
  header(name: string, value: string): void;
}

/** A 'session' route's handler knows its caller: the session was checked before the request was read. */
export interface SessionContext<S extends RouteSpec> extends RequestParts<S> {
  auth: AuthContext;
}

/** A 'proof' or 'device-signed' route's handler knows the device key that signed the request. */
export interface SignedContext<S extends RouteSpec> extends RequestParts<S> {
  signerDeviceId: string;
}

export interface SessionRouteDef<S extends RouteSpec> extends RouteDoc {
  /** May be one of the calls of a batch request (which runs them with the batch's own session). */
  batchable?: boolean;
  handler(ctx: SessionContext<S>): Promise<RouteResponse<S>>;
}

export interface ProofRouteDef<S extends RouteSpec> extends RouteDoc {
  /** The key the body registers: the request must be signed by it (proof of possession). */
  signingKey(body: RouteBody<S>): { id: string; publicKey: DevicePublicKey };
  handler(ctx: SignedContext<S>): Promise<RouteResponse<S>>;
}

export interface DeviceSignedRouteDef<S extends RouteSpec> extends RouteDoc {
  /** The ledger whose active device must have signed the request, found from the body (or refused). */
  signerLedger(deps: ServerDeps, body: RouteBody<S>): Promise<string>;
  handler(ctx: SignedContext<S>): Promise<RouteResponse<S>>;
}

/**
 * A route as the rest of the server handles it, whatever its entry: registered with Fastify by its
 * area's plugin, called inside a batch, and published in the OpenAPI document.
 */
export interface ServerRoute {
  readonly spec: RouteSpec;
  readonly tag: string;
  readonly summary: string;
  readonly batchable: boolean;
  /**
   * Validates the request against the entry's schemas, proves its signer ('proof', 'device-signed')
   * and runs the handler. A 'session' route is given its caller, authenticated beforehand.
   */
  run(deps: ServerDeps, request: RouteRequest, session: AuthContext | null): Promise<unknown>;
}

/**
 * A server route read from its core entry (`ROUTES.push`, `ENTITY_ROUTES.expenses.get`): method, path,
 * auth kind, schemas and status come from the entry; the definition adds how the OpenAPI document
 * lists it and the handler, whose context is typed by the entry's schemas and auth kind.
 */
export function defineRoute<S extends RouteSpec & { auth: 'session' }>(
  spec: S,
  def: SessionRouteDef<S>,
): ServerRoute;
export function defineRoute<S extends RouteSpec & { auth: 'proof' }>(
  spec: S,
  def: ProofRouteDef<S>,
): ServerRoute;
export function defineRoute<S extends RouteSpec & { auth: 'device-signed' }>(
  spec: S,
  def: DeviceSignedRouteDef<S>,
): ServerRoute;
export function defineRoute(spec: RouteSpec, def: ErasedRouteDef): ServerRoute {
  return {
    spec,
    tag: def.tag,
    summary: def.summary,
    batchable: def.batchable ?? false,
    run: (deps, request, session) => runRoute(deps, spec, def, request, session),
  };
}
