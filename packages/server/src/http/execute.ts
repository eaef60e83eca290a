import { KakeiboError } from '@kakeibo/core';
import type { z } from 'zod';
import type { ServerDeps } from '../services/context.js';
import {
  authenticateDevice,
  authenticateProof,
  authenticateSession,
  type SignedRequest,
} from './authenticate.js';
import { validationError } from './problem.js';
import type { AnyRoute, AuthContext, RouteContext } from './route.js';

export interface RouteInput {
  signed: SignedRequest;
  params: Record<string, string>;
  query: Record<string, string>;
  /** The parsed JSON body, undefined when there was none. */
  body: unknown;
  ip: string;
  header(name: string, value: string): void;
}

function parse<T>(schema: z.ZodType<T> | undefined, value: unknown, where: 'body' | 'query' | 'params'): T {
  if (!schema) return value as T;
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(where, result.error);
  return result.data;
}

/**
 * Runs one route: authenticate, validate, handle. The order matters: a session is checked before
 * anything of the request is looked at; proof-of-possession routes need the body to know the key.
 * `presetAuth` is the already-authenticated caller of a batch request.
 */
export async function executeRoute(
  deps: ServerDeps,
  route: AnyRoute,
  input: RouteInput,
  presetAuth?: AuthContext,
) {
  let auth: AuthContext | null = presetAuth ?? null;
  let signerDeviceId: string | null = presetAuth?.deviceId ?? null;
  if (!presetAuth && route.auth === 'session') {
    auth = await authenticateSession(deps, input.signed);
    signerDeviceId = auth.deviceId;
  }
  const params = parse(route.params, input.params, 'params');
  const query = parse(route.query, input.query, 'query');
  const body = parse(route.body, input.body, 'body');
  if (!presetAuth && route.auth === 'proof') {
    const { device } = body as { device: { id: string; publicKey: never } };
    signerDeviceId = await authenticateProof(deps, input.signed, device);
  }
  if (!presetAuth && route.auth === 'device-signed') {
    const ledgerId = route.signerLedger ? await route.signerLedger(body) : null;
    if (!ledgerId) {
      throw new KakeiboError('auth.invalid_refresh_token', 'The refresh token is not valid: sign in again.');
    }
    signerDeviceId = await authenticateDevice(deps, input.signed, ledgerId);
  }
  const ctx: RouteContext<unknown, unknown, unknown> = {
    body,
    query,
    params,
    auth,
    signerDeviceId,
    ip: input.ip,
    header: input.header,
  };
  return route.handler(ctx);
}

/** Matches a concrete path against a Fastify-style pattern (`/v1/expenses/:id`). */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i] as string;
    const g = got[i] as string;
    if (w.startsWith(':')) {
      if (!g) return null;
      params[w.slice(1)] = decodeURIComponent(g);
    } else if (w !== g) return null;
  }
  return params;
}
