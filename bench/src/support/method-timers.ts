import { now } from '../case.js';

/*
 * Timers wrapped around an object's methods. Not in server.ts (which loads the server) nor in sdk.ts
 * (the SDK cases' whole fixture): the fresh device process (bootstrap-device.ts) times its store with
 * these, and must load nothing more than a device needs.
 */

/** Calls and total milliseconds spent in one timed method or one route. */
export interface Spent {
  calls: number;
  ms: number;
}

/** Wraps async methods of an object with timers (in place); returns the running totals. */
export function timeMethods(target: object, methods: readonly string[]): Record<string, Spent> {
  const spent: Record<string, Spent> = {};
  const object = target as Record<string, (...args: unknown[]) => Promise<unknown>>;
  for (const method of methods) {
    const original = object[method];
    if (typeof original !== 'function') throw new Error(`no method ${method} to time`);
    const totals: Spent = { calls: 0, ms: 0 };
    spent[method] = totals;
    object[method] = async (...args: unknown[]) => {
      const started = now();
      try {
        return await original.apply(target, args);
      } finally {
        totals.calls += 1;
        totals.ms += now() - started;
      }
    };
  }
  return spent;
}
