import { describe, expect, it } from 'vitest';
import { newDeviceId, STORED_ROW_ID_RE, uuidv7 } from '../src/ids.js';

describe('uuidv7', () => {
  it('makes well-formed, unique ids carrying their time, across many refills of the random pool', () => {
    const at = Date.parse('2026-12-03T14:00:00.123Z');
    const ids = Array.from({ length: 5_000 }, () => uuidv7(at));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) {
      expect(id).toMatch(STORED_ROW_ID_RE);
      expect(Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(at);
    }
    // The 74 random bits vary everywhere: every hex digit position after the time takes many values.
    for (const position of [15, 16, 20, 30, 35]) {
      expect(new Set(ids.map((id) => id[position])).size).toBeGreaterThan(3);
    }
    expect(newDeviceId()).toMatch(/^[0-9a-f]{16}$/);
  });
});
