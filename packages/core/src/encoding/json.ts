import type { z } from 'zod';

/**
 * A stored JSON text read back through its schema: the value, or undefined when the text is not JSON
 * or not of that shape. For state a program wrote itself and reads again (keys, sessions, clocks,
 * conflict bodies), where what to do with a damaged value is the caller's to decide.
 */
export function readJson<S extends z.ZodType>(schema: S, text: string): z.output<S> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}
