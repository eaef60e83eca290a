import fc from 'fast-check';

/**
 * Ways a request body goes wrong, applied to a value built from the route's schema: a value of the
 * wrong type, a field missing or unknown (`__proto__` among them), boundary and unsafe numbers,
 * huge strings, U+0000 and lone surrogates, nesting 10,000 deep, and bodies that are not JSON at all.
 * The result is the body text as sent.
 */

/** Values that are wrong almost anywhere. */
export const junkValues: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    null,
    true,
    0,
    -1,
    -0,
    0.5,
    1e308,
    2 ** 53,
    2 ** 63,
    -(2 ** 53) - 1,
    '',
    '\u0000',
    'a\u0000b',
    'x\ud800y',
    '💸',
    '__proto__',
    '../../etc/passwd',
    '%00',
    [],
    {},
    [[[]]],
    JSON.parse('{"__proto__":{"admin":true}}'),
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer(),
  fc.jsonValue({ maxDepth: 3 }),
);

const EXTRA_KEYS = ['__proto__', 'constructor', 'prototype', 'extra', '', '\u0000'];

export type BodyMutation =
  | { kind: 'none' }
  | { kind: 'replace'; at: number; value: unknown }
  | { kind: 'drop'; at: number }
  | { kind: 'extra'; at: number; key: string; value: unknown }
  | { kind: 'huge'; at: number; length: number }
  | { kind: 'deep'; at: number }
  | { kind: 'raw'; text: string };

export const bodyMutations: fc.Arbitrary<BodyMutation> = fc.oneof(
  { weight: 2, arbitrary: fc.constant({ kind: 'none' as const }) },
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: junkValues }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('extra' as const),
      at: fc.nat(),
      key: fc.oneof(fc.constantFrom(...EXTRA_KEYS), fc.string({ maxLength: 8 })),
      value: junkValues,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('huge' as const),
      at: fc.nat(),
      // Past a field's limit, past the body limit (4 MiB), and in between.
      length: fc.constantFrom(300, 5_000, 70_000, 1_100_000, 4_300_000),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('deep' as const), at: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('raw' as const),
      text: fc.oneof(
        fc.constantFrom(
          '',
          '{',
          '{"a":',
          'null',
          '[]',
          '"x"',
          '1',
          '{"__proto__":{"x":1}}',
          '\u0000',
          '{}{}',
        ),
        fc.string({ unit: 'binary', maxLength: 64 }),
      ),
    }),
  },
);

const PLACEHOLDER = '"__KAKEIBO_FUZZ_PLACEHOLDER__"';

/** The body text: the value with the mutation applied at its `at`-th place (modulo their count). */
export function mutatedBody(value: unknown, mutation: BodyMutation): string {
  if (mutation.kind === 'raw') return mutation.text;
  if (mutation.kind === 'none') return JSON.stringify(value);
  const root = { value: structuredClone(value) as unknown };
  const places = placesIn(root);
  const place = places[mutation.at % places.length] as Place;
  switch (mutation.kind) {
    case 'replace':
      place.set(mutation.value);
      break;
    case 'drop':
      place.drop();
      break;
    case 'extra': {
      const target = place.get();
      if (target && typeof target === 'object' && !Array.isArray(target)) {
        Object.defineProperty(target, mutation.key, { value: mutation.value, enumerable: true });
      } else place.set({ [mutation.key]: mutation.value });
      break;
    }
    case 'huge':
      place.set('x'.repeat(mutation.length));
      break;
    case 'deep':
      place.set(JSON.parse(PLACEHOLDER));
      return JSON.stringify(root.value).replace(PLACEHOLDER, `${'['.repeat(10_000)}${']'.repeat(10_000)}`);
  }
  return JSON.stringify(root.value) ?? '';
}

interface Place {
  get(): unknown;
  set(value: unknown): void;
  drop(): void;
}

/** Every place in the value (the root included) where something can be put or taken away. */
function placesIn(root: { value: unknown }): Place[] {
  const places: Place[] = [];
  const visit = (parent: Record<string, unknown> | unknown[], key: string | number) => {
    places.push({
      get: () => (parent as Record<string, unknown>)[key as string],
      set: (v) => {
        (parent as Record<string, unknown>)[key as string] = v;
      },
      drop: () => {
        if (Array.isArray(parent)) parent.splice(key as number, 1);
        else delete (parent as Record<string, unknown>)[key as string];
      },
    });
    const child = (parent as Record<string, unknown>)[key as string];
    if (Array.isArray(child)) for (let i = 0; i < child.length; i++) visit(child, i);
    else if (child && typeof child === 'object') {
      for (const k of Object.keys(child)) visit(child as Record<string, unknown>, k);
    }
  };
  visit(root as unknown as Record<string, unknown>, 'value');
  return places;
}
