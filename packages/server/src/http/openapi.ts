import { ProblemSchema } from '@kakeibo/core';
import { z } from 'zod';
import type { ServerRoute } from './route.js';

type JsonSchema = Record<string, unknown>;

const toSchema = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
};

/** Query and path schemas become one OpenAPI parameter per property. */
function parameters(schema: z.ZodType | undefined, where: 'query' | 'path') {
  if (!schema) return [];
  const json = toSchema(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    schema: property,
  }));
}

const SECURITY_NOTE =
  'Every call except sign-up/sign-in proofs and /healthz is signed with the device key (RFC 9421 ' +
  'Signature and Signature-Input over @method, @path, @query, content-digest and authorization, with ' +
  'created, nonce and keyid) and carries an RFC 9530 Content-Digest. See docs/SECURITY.md.';

/**
 * The OpenAPI 3.1 document, generated from the same route definitions (their core entries' zod
 * schemas) that validate every request.
 */
export function buildOpenApi(routes: readonly ServerRoute[], version: string) {
  const problemResponse = {
    description: 'RFC 9457 problem details with a stable `code`',
    content: { 'application/problem+json': { schema: toSchema(ProblemSchema, 'output') } },
  };
  const paths: Record<string, Record<string, unknown>> = {};
  for (const { spec, summary, tag } of routes) {
    const path = spec.path.replace(/:([A-Za-z]+)/g, '{$1}');
    const status = String(spec.status ?? 200);
    const operations = paths[path] ?? {};
    paths[path] = operations;
    operations[spec.method.toLowerCase()] = {
      summary,
      tags: [tag],
      parameters: [...parameters(spec.params, 'path'), ...parameters(spec.query, 'query')],
      ...(spec.body && {
        requestBody: {
          required: !spec.body.safeParse(undefined).success,
          content: { 'application/json': { schema: toSchema(spec.body, 'input') } },
        },
      }),
      responses: {
        [status]: {
          description: 'OK',
          content: { 'application/json': { schema: toSchema(spec.response, 'output') } },
        },
        '4XX': problemResponse,
      },
      ...(spec.auth === 'session' && { security: [{ deviceSignedBearer: [] }] }),
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Kakeibo sync server', version, description: SECURITY_NOTE },
    components: {
      securitySchemes: {
        deviceSignedBearer: { type: 'http', scheme: 'bearer', description: SECURITY_NOTE },
      },
    },
    paths,
  };
}
