import type { DevicePublicKey, RouteSpec } from '@kakeibo/core';
import { KakeiboError } from '@kakeibo/core';
import type { z } from 'zod';
import type { AuthContext } from '../services/auth-context.js';
import type { ServerDeps } from '../services/context.js';
import type { SignedRequest } from './authenticate.js';
import { authenticateDevice, authenticateProof } from './authenticate.js';
import { validationError } from './problem.js';

/** One part of the request through its schema; a part the entry has no schema for is not read. */
function parse(schema: z.ZodType | undefined, value: unknown, where: 'body' | 'query' | 'params'): unknown {
  if (!schema) return undefined;
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(where, result.error);
  return result.data;
}

/**
 * Runs one route: validate, prove the signer, handle. The order matters: a session was checked
 * before anything of the request was looked at (by the session hook of the route's plugin, or by the
 * batch call that carries it); proof-of-possession routes need the body to know the key.
 */
export async function runRoute(
  deps: ServerDeps,
  spec: RouteSpec,
  def: ErasedRouteDef,
  request: RouteRequest,
  session: AuthContext | null,
): Promise<unknown> {
  const where = `${spec.method} ${spec.path}`;
  const params = parse(spec.params, request.params, 'params');
  const query = parse(spec.query, request.query, 'query');
  const body = parse(spec.body, request.body, 'body');
  const ctx: ErasedContext = { deps, body, query, params, ip: request.ip, header: request.header };
  switch (spec.auth) {
    case 'session':
      // Only a wiring mistake gets here without one: addRoutes refuses it at startup.
      if (!session)
        throw new Error(`${where} ran without a session: register it where sessions are checked.`);
      return def.handler({ ...ctx, auth: session });
    case 'proof': {
      if (!def.signingKey) throw new Error(`${where} is a proof route without a signing key.`);
      const signerDeviceId = await authenticateProof(deps, request.signed, def.signingKey(body));
      return def.handler({ ...ctx, signerDeviceId });
    }
    case 'device-signed': {
      if (!def.signerLedger) throw new Error(`${where} is a device-signed route without a signer ledger.`);
      const ledgerId = await def.signerLedger(deps, body);
      const signerDeviceId = await authenticateDevice(deps, request.signed, ledgerId);
      return def.handler({ ...ctx, signerDeviceId });
    }
    case 'none':
      return def.handler(ctx);
  }
}

/** Matches a concrete path against a Fastify-style pattern (`/v1/expenses/:id`). */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (const [i, w] of want.entries()) {
    const g = got[i] ?? '';
    if (w.startsWith(':')) {
      if (!g) return null;
      params[w.slice(1)] = decodePathSegment(g);
    } else if (w !== g) return null;
  }
  return params;
}

/** A path segment's percent-escapes undone; a malformed one (`%E0%A4%A`) is the caller's mistake. */
function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new KakeiboError(
      'request.bad_url',
      `The path segment ${JSON.stringify(segment)} has a malformed %-escape.`,
    );
  }
}

/** How the OpenAPI document lists a route. */
export interface RouteDoc {
  tag: string;
  summary: string;
}

/** The request as the route runner needs it, whatever carried it (Fastify or a batch call). */
export interface RouteRequest {
  signed: SignedRequest;
  /** Path parameters, query values and the parsed JSON body, all still unchecked. */
  params: unknown;
  query: Record<string, string>;
  /** Undefined when there was none. */
  body: unknown;
  ip: string;
  header(name: string, value: string): void;
}

/**
 * A definition as the runner sees it: the types each overload of defineRoute checked at the route's
 * definition are erased here, because the runner handles every route the same way.
 */
export interface ErasedRouteDef extends RouteDoc {
  batchable?: boolean;
  signingKey?(body: unknown): { id: string; publicKey: DevicePublicKey };
  signerLedger?(deps: ServerDeps, body: unknown): Promise<string>;
  handler(ctx: ErasedContext): Promise<unknown>;
}

export interface ErasedContext {
  deps: ServerDeps;
  body: unknown;
  query: unknown;
  params: unknown;
  ip: string;
  header(name: string, value: string): void;
  auth?: AuthContext;
  signerDeviceId?: string;
}
