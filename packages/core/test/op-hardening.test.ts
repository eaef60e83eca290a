import { describe, expect, it } from 'vitest';
import { HybridClock } from '../src/clock/index.js';
import { uuidv7 } from '../src/ids.js';
import { hasLoneSurrogate, isStorableText } from '../src/schemas/primitives.js';
import { buildOp, parseOp } from '../src/sync/index.js';

/** Ops and text as they come from outside (a push, a pulled page, a file): hostile shapes refused. */
describe('parseOp on hostile input', () => {
  const clock = new HybridClock('aaaaaaaaaaaaaaaa');
  const op = () => buildOp(clock, 'expenses', uuidv7(), { payee: 'Bakery' }, undefined);

  it('refuses the key __proto__ in the envelope, the fields or prev, as JSON.parse makes it', () => {
    const text = JSON.stringify(op());
    for (const hostile of [
      text.replace('{', '{"__proto__":{"admin":true},'),
      text.replace('"fields":{', '"fields":{"__proto__":"x",'),
      text.replace('"prev":{', '"prev":{"__proto__":null,'),
    ]) {
      expect(() => parseOp(JSON.parse(hostile))).toThrow(
        expect.objectContaining({ code: 'op.unknown_field' }),
      );
    }
  });

  it('refuses a value nested deeper than a field can be, without walking it', () => {
    const deep = JSON.parse(
      JSON.stringify(op()).replace('"Bakery"', `${'['.repeat(50_000)}${']'.repeat(50_000)}`),
    );
    expect(() => parseOp(deep)).toThrow(expect.objectContaining({ code: 'op.invalid' }));
    const object = JSON.parse(JSON.stringify(op()).replace('"Bakery"', '{"a":1}'));
    expect(() => parseOp(object)).toThrow(expect.objectContaining({ code: 'op.invalid' }));
  });
});

describe('storable text', () => {
  it('is free of U+0000 and of surrogate halves without their other half', () => {
    expect(isStorableText('Bäckerei 😀 語')).toBe(true);
    expect(isStorableText('a\u0000b')).toBe(false);
    for (const lone of ['\ud800', 'a\udc00', '\ud83d', '😀'.slice(1)]) {
      expect(hasLoneSurrogate(lone)).toBe(true);
      expect(isStorableText(lone)).toBe(false);
    }
  });
});
