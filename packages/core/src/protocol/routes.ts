import { z } from 'zod';
import { TABLE_NAMES, type TableName } from '../sync/tables.js';
import {
  ChangePasswordRequestSchema,
  DeleteAccountRequestSchema,
  DeviceListSchema,
  RefreshRequestSchema,
  RevokeDevicesRequestSchema,
  RevokeDevicesResponseSchema,
  SessionSchema,
  SignInRequestSchema,
  SignUpRequestSchema,
} from './auth.js';
import {
  EntityListQuerySchema,
  EntityParamsSchema,
  entityListPageSchema,
  entityRowSchema,
} from './entities.js';
import {
  BatchRequestSchema,
  BatchResponseSchema,
  BucketRowsPageSchema,
  BucketRowsRequestSchema,
  ChecksumResponseSchema,
  ConflictsPageSchema,
  ConflictsRequestSchema,
  PullPageSchema,
  PullRequestSchema,
  PushRequestSchema,
  PushResponseSchema,
  SnapshotPageSchema,
  SnapshotRequestSchema,
} from './messages.js';
import { RealtimeTicketSchema } from './realtime.js';

/**
 * The HTTP API as data: every route's method, path, who may call it and the schemas of what it takes
 * and answers. The server registers its handlers against these entries and the client's transport
 * calls them, so a path, its auth kind and the schema that reads its answer are each written once.
 */

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

export type RouteMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteSpec {
  readonly method: RouteMethod;
  /** Fastify-style path, e.g. `/v1/expenses/:id`. */
  readonly path: string;
  readonly auth: RouteAuth;
  readonly body?: z.ZodType;
  readonly query?: z.ZodType;
  readonly params?: z.ZodType;
  readonly response: z.ZodType;
  /** 200 unless said otherwise (201 for creation). */
  readonly status?: number;
}

/** Keeps each entry's literal types (its auth kind, its schemas) for the code that uses it. */
const route = <const S extends RouteSpec>(spec: S): S => spec;

/** The body of routes that take none, or answer with nothing to read. */
export const EmptySchema = z.strictObject({});

export const ChangePasswordResponseSchema = z.strictObject({ endedDevices: z.array(z.string()) });

export const HealthSchema = z.strictObject({
  status: z.enum(['ok', 'degraded']),
  storage: z.string(),
  redis: z.enum(['connected', 'unreachable', 'off']),
});

export const ROUTES = {
  // ---- accounts and sessions -------------------------------------------------------------------
  signUp: route({
    method: 'POST',
    path: '/v1/auth/signup',
    auth: 'proof',
    body: SignUpRequestSchema,
    response: SessionSchema,
    status: 201,
  }),
  signIn: route({
    method: 'POST',
    path: '/v1/auth/signin',
    auth: 'proof',
    body: SignInRequestSchema,
    response: SessionSchema,
  }),
  refresh: route({
    method: 'POST',
    path: '/v1/auth/refresh',
    auth: 'device-signed',
    body: RefreshRequestSchema,
    response: SessionSchema,
  }),
  signOut: route({
    method: 'POST',
    path: '/v1/auth/signout',
    auth: 'session',
    body: EmptySchema.optional(),
    response: EmptySchema,
  }),
  changePassword: route({
    method: 'POST',
    path: '/v1/auth/password',
    auth: 'session',
    body: ChangePasswordRequestSchema,
    response: ChangePasswordResponseSchema,
  }),
  deleteAccount: route({
    method: 'POST',
    path: '/v1/account/delete',
    auth: 'session',
    body: DeleteAccountRequestSchema,
    response: EmptySchema,
  }),

  // ---- devices ---------------------------------------------------------------------------------
  listDevices: route({ method: 'GET', path: '/v1/devices', auth: 'session', response: DeviceListSchema }),
  revokeDevices: route({
    method: 'POST',
    path: '/v1/devices/revoke',
    auth: 'session',
    body: RevokeDevicesRequestSchema,
    response: RevokeDevicesResponseSchema,
  }),

  // ---- sync ------------------------------------------------------------------------------------
  push: route({
    method: 'POST',
    path: '/v1/sync/push',
    auth: 'session',
    body: PushRequestSchema,
    response: PushResponseSchema,
  }),
  pull: route({
    method: 'GET',
    path: '/v1/sync/pull',
    auth: 'session',
    query: PullRequestSchema,
    response: PullPageSchema,
  }),
  snapshot: route({
    method: 'GET',
    path: '/v1/sync/snapshot',
    auth: 'session',
    query: SnapshotRequestSchema,
    response: SnapshotPageSchema,
  }),
  checksum: route({
    method: 'GET',
    path: '/v1/sync/checksum',
    auth: 'session',
    response: ChecksumResponseSchema,
  }),
  bucketRows: route({
    method: 'GET',
    path: '/v1/sync/bucket',
    auth: 'session',
    query: BucketRowsRequestSchema,
    response: BucketRowsPageSchema,
  }),
  conflicts: route({
    method: 'GET',
    path: '/v1/sync/conflicts',
    auth: 'session',
    query: ConflictsRequestSchema,
    response: ConflictsPageSchema,
  }),
  batch: route({
    method: 'POST',
    path: '/v1/batch',
    auth: 'session',
    body: BatchRequestSchema,
    response: BatchResponseSchema,
  }),

  // ---- realtime --------------------------------------------------------------------------------
  realtimeTicket: route({
    method: 'POST',
    path: '/v1/realtime/ticket',
    auth: 'session',
    body: EmptySchema.optional(),
    response: RealtimeTicketSchema,
  }),

  // ---- operations ------------------------------------------------------------------------------
  health: route({ method: 'GET', path: '/healthz', auth: 'none', response: HealthSchema }),
  openApi: route({ method: 'GET', path: '/v1/openapi.json', auth: 'none', response: z.unknown() }),
} as const;

/**
 * The WebSocket a ticket opens (`GET /v1/realtime?ticket=…`): not a JSON route, so not in ROUTES,
 * but its path lives here with theirs.
 */
export const REALTIME_SOCKET_PATH = '/v1/realtime';

/** The read API for integrations: `GET /v1/{table}` and `GET /v1/{table}/:id` for every synced table. */
const entityRoutes = (table: TableName) => ({
  list: route({
    method: 'GET',
    path: `/v1/${table}`,
    auth: 'session',
    query: EntityListQuerySchema,
    response: entityListPageSchema(table),
  }),
  get: route({
    method: 'GET',
    path: `/v1/${table}/:id`,
    auth: 'session',
    params: EntityParamsSchema,
    response: entityRowSchema(table),
  }),
});

export const ENTITY_ROUTES = Object.fromEntries(
  TABLE_NAMES.map((table) => [table, entityRoutes(table)]),
) as Record<TableName, ReturnType<typeof entityRoutes>>;

// ---- types the two sides derive from an entry ---------------------------------------------------

type Output<S, K extends 'body' | 'query' | 'params'> = S extends { [P in K]: infer T extends z.ZodType }
  ? z.output<T>
  : undefined;

/** What the server's handler receives, once the request passed the entry's schemas. */
export type RouteBody<S extends RouteSpec> = Output<S, 'body'>;
export type RouteQuery<S extends RouteSpec> = Output<S, 'query'>;
export type RouteParams<S extends RouteSpec> = Output<S, 'params'>;
export type RouteResponse<S extends RouteSpec> = z.output<S['response']>;

/** What a caller sends: the body as the schema takes it; query and path values as text or numbers. */
export type RouteBodyInput<S extends RouteSpec> = S extends { body: infer T extends z.ZodType }
  ? z.input<T>
  : undefined;
type Scalars<T> = { [K in keyof T]?: string | number | boolean };
export type RouteQueryInput<S extends RouteSpec> = S extends { query: infer T extends z.ZodType }
  ? Scalars<z.output<T>>
  : undefined;
export type RouteParamsInput<S extends RouteSpec> = S extends { params: infer T extends z.ZodType }
  ? { [K in keyof z.output<T>]: string }
  : undefined;

/**
 * The concrete path and query string of a call: `:name` segments filled from `params` (URI-encoded),
 * query values in the order given, undefined ones left out. The same text is what gets signed.
 */
export function routeUrl(
  spec: RouteSpec,
  params?: Readonly<Record<string, string>>,
  query?: Readonly<Record<string, string | number | boolean | undefined>>,
): string {
  const path = spec.path.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    const value = params?.[name];
    if (value === undefined) throw new Error(`${spec.path} needs the path parameter ${name}`);
    return encodeURIComponent(value);
  });
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined) search.append(key, String(value));
  }
  const text = search.toString();
  return text ? `${path}?${text}` : path;
}
