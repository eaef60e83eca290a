import fc from 'fast-check';

/**
 * Values built from a JSON Schema as the OpenAPI document gives it (zod's toJSONSchema output):
 * objects with their required and optional properties, strings from their pattern or format and
 * length bounds, integers within their bounds, arrays within their item counts, unions, constants.
 * They are meant to be valid, or nearly so, so that mutations of them reach past the first check.
 */

export type JsonSchema = Record<string, unknown>;

const MAX_ITEMS = 4;
const MAX_DEPTH = 6;

export function valuesOf(schema: JsonSchema, depth = 0): fc.Arbitrary<unknown> {
  if (depth > MAX_DEPTH) return fc.constant(null);
  if ('const' in schema) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  const union = (schema.oneOf ?? schema.anyOf) as JsonSchema[] | undefined;
  if (union?.length) return fc.oneof(...union.map((s) => valuesOf(s, depth + 1)));
  switch (schema.type) {
    case 'string':
      return stringsOf(schema);
    case 'integer':
      return integersOf(schema);
    case 'number':
      return fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e9, max: 1e9 });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return arraysOf(schema, depth);
    case 'object':
      return objectsOf(schema, depth);
    default:
      // `{}`: anything at all.
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function stringsOf(schema: JsonSchema): fc.Arbitrary<string> {
  const minLength = (schema.minLength as number | undefined) ?? 0;
  const maxLength = Math.min((schema.maxLength as number | undefined) ?? 24, minLength + 64);
  if (schema.format === 'email') return fc.emailAddress().filter((e) => e.length <= maxLength);
  if (schema.format === 'uuid') return fc.uuid({ version: 7 });
  if (schema.format === 'date') {
    const range = { min: new Date('1900-01-01'), max: new Date('2199-12-31'), noInvalidDate: true };
    return fc.date(range).map((d) => d.toISOString().slice(0, 10));
  }
  if (typeof schema.pattern === 'string') {
    const pattern = new RegExp(schema.pattern);
    // Stretched or cut to the length bounds; a pattern of one repeated class still matches after.
    return fc.stringMatching(pattern).map((s) => fit(s, minLength, maxLength));
  }
  return fc.string({ minLength, maxLength });
}

function fit(s: string, minLength: number, maxLength: number): string {
  let out = s || 'a';
  while (out.length < minLength) out += out;
  return out.length > maxLength ? out.slice(0, maxLength) : out;
}

function integersOf(schema: JsonSchema): fc.Arbitrary<number> {
  const exclusive = schema.exclusiveMinimum as number | undefined;
  const min = Math.max(
    (schema.minimum as number | undefined) ?? (exclusive !== undefined ? exclusive + 1 : -1_000_000),
    Number.MIN_SAFE_INTEGER,
  );
  const max = Math.min((schema.maximum as number | undefined) ?? 1_000_000, Number.MAX_SAFE_INTEGER);
  // The bounds themselves are where off-by-one mistakes live.
  return fc.oneof(fc.constantFrom(min, max), fc.bigInt({ min: BigInt(min), max: BigInt(max) }).map(Number));
}

function arraysOf(schema: JsonSchema, depth: number): fc.Arbitrary<unknown[]> {
  const minLength = (schema.minItems as number | undefined) ?? 0;
  const maxLength = Math.min((schema.maxItems as number | undefined) ?? MAX_ITEMS, minLength + MAX_ITEMS);
  const items = (schema.items as JsonSchema | undefined) ?? {};
  return fc.array(valuesOf(items, depth + 1), { minLength, maxLength });
}

function objectsOf(schema: JsonSchema, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const properties = (schema.properties as Record<string, JsonSchema> | undefined) ?? {};
  const required = (schema.required as string[] | undefined) ?? [];
  const names = Object.keys(properties);
  const additional = schema.additionalProperties;
  if (names.length === 0 && additional && typeof additional === 'object') {
    // A record (e.g. an op's fields): keys from propertyNames, values from additionalProperties.
    const keys = schema.propertyNames
      ? stringsOf(schema.propertyNames as JsonSchema)
      : fc.string({ maxLength: 12 });
    return fc.dictionary(keys, valuesOf(additional as JsonSchema, depth + 1), { maxKeys: MAX_ITEMS });
  }
  const shape = Object.fromEntries(
    names.map((name) => [name, valuesOf(properties[name] as JsonSchema, depth + 1)]),
  );
  return fc.record(shape, { requiredKeys: required.filter((name) => names.includes(name)) });
}
