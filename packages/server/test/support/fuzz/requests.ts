import fc from 'fast-check';
import { type BodyMutation, bodyMutations, mutatedBody } from './mutations.js';
import { type JsonSchema, valuesOf } from './schema-values.js';

/** One operation of the OpenAPI document, as the fuzzer reads it. */
export interface Operation {
  method: 'GET' | 'POST';
  /** The templated path, e.g. /v1/expenses/{id}. */
  path: string;
  parameters: Array<{ name: string; in: 'query' | 'path'; required: boolean; schema: JsonSchema }>;
  body: JsonSchema | null;
  signedSession: boolean;
}

/** The operations of a served OpenAPI 3.1 document. */
export function operationsOf(document: {
  paths: Record<string, Record<string, Record<string, unknown>>>;
}): Operation[] {
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const content = (
        operation.requestBody as { content?: Record<string, { schema: JsonSchema }> } | undefined
      )?.content;
      operations.push({
        method: method.toUpperCase() as 'GET' | 'POST',
        path,
        parameters: (operation.parameters as Operation['parameters'] | undefined) ?? [],
        body: content?.['application/json']?.schema ?? null,
        signedSession: Array.isArray(operation.security) && operation.security.length > 0,
      });
    }
  }
  return operations;
}

/** How a request is authenticated: as a signed session (the default), or missing a part of it. */
export type Credentials = 'session' | 'no-token' | 'unsigned';

export interface FuzzRequest {
  method: 'GET' | 'POST';
  /** Path and query as sent. */
  target: string;
  body: string | undefined;
  credentials: Credentials;
  mutation: BodyMutation | null;
}

/** Query values that are wrong for almost any parameter, some of them not even validly escaped. */
const JUNK_QUERY = [
  '',
  '-1',
  '0',
  '1e99',
  '9007199254740993',
  'NaN',
  'true',
  '%',
  '%zz',
  '%00',
  '💸',
  'x'.repeat(5_000),
];
/** Path segments that are wrong for any id. */
const JUNK_SEGMENTS = ['%00', '..', '%2e%2e', '%', '%zz', 'x'.repeat(3_000), '💸', 'not-a-uuid', '0'];

type QueryPart = { name: string; value: string; raw: boolean };

function queryParts(operation: Operation): fc.Arbitrary<QueryPart[]> {
  const query = operation.parameters.filter((p) => p.in === 'query');
  const valid = query.map((p) => {
    const part = valuesOf(p.schema).map((v): QueryPart | null => ({
      name: p.name,
      value: String(v),
      raw: false,
    }));
    // Optional parameters are left out more often than not, so that some cases are entirely valid.
    return p.required
      ? part
      : fc.oneof({ weight: 2, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: part });
  });
  const junk = fc.record({
    name: fc.oneof(
      fc.constantFrom(...query.map((p) => p.name), 'unknown', '__proto__'),
      fc.string({ maxLength: 6 }),
    ),
    value: fc.oneof(fc.constantFrom(...JUNK_QUERY), fc.string({ unit: 'binary', maxLength: 20 })),
    raw: fc.boolean(),
  });
  return fc
    .tuple(
      fc.tuple(...valid),
      fc.oneof(
        { weight: 2, arbitrary: fc.constant([]) },
        { weight: 1, arbitrary: fc.array(junk, { maxLength: 2 }) },
      ),
    )
    .map(([parts, extra]) => [...parts.filter((p): p is QueryPart => p !== null), ...extra]);
}

function pathOf(operation: Operation): fc.Arbitrary<string> {
  const params = operation.parameters.filter((p) => p.in === 'path');
  if (params.length === 0) return fc.constant(operation.path);
  const segment = (p: Operation['parameters'][number]) =>
    fc.oneof(
      { weight: 3, arbitrary: valuesOf(p.schema).map((v) => escaped(String(v), false)) },
      { weight: 2, arbitrary: fc.constantFrom(...JUNK_SEGMENTS).map((s) => escaped(s, true)) },
    );
  return fc
    .tuple(...params.map(segment))
    .map((values) =>
      params.reduce((path, p, i) => path.replace(`{${p.name}}`, values[i] as string), operation.path),
    );
}

/** Requests for one operation: built from its schemas, then mutated. */
export function requestsFor(
  operation: Operation,
  seedBodies: readonly unknown[] = [],
): fc.Arbitrary<FuzzRequest> {
  const bodies = operation.body
    ? fc.oneof(valuesOf(operation.body), ...(seedBodies.length ? [fc.constantFrom(...seedBodies)] : []))
    : fc.constant(undefined);
  return fc
    .record({
      path: pathOf(operation),
      query: queryParts(operation),
      value: bodies,
      mutation: operation.body ? bodyMutations : fc.constant(null),
      credentials: fc.constantFrom<Credentials>(
        'session',
        'session',
        'session',
        'session',
        'no-token',
        'unsigned',
      ),
    })
    .map(({ path, query, value, mutation, credentials }) => {
      const search = query.map((q) => `${escaped(q.name, false)}=${escaped(q.value, q.raw)}`).join('&');
      return {
        method: operation.method,
        target: search ? `${path}?${search}` : path,
        body: operation.body && mutation ? mutatedBody(value, mutation) : undefined,
        credentials,
        mutation,
      };
    });
}

/**
 * Percent-escaped as UTF-8 (a lone surrogate as U+FFFD, which is what a client can send), so the
 * request can be signed; with `raw`, a `%` is left alone, so malformed escapes reach the server.
 */
function escaped(text: string, raw: boolean): string {
  const keep = raw ? /[A-Za-z0-9\-_.~%]/ : /[A-Za-z0-9\-_.~]/;
  let out = '';
  for (const char of text) {
    if (keep.test(char)) out += char;
    else
      for (const byte of Buffer.from(char, 'utf8'))
        out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
