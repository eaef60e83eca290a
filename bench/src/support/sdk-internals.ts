import type { Kakeibo, LocalStore } from '@kakeibo/client';

/*
 * The SDK's private parts that the benchmarks reach into. A module of its own, importing nothing but
 * the SDK's types, because the fresh device process (bootstrap-device.ts) needs sdkStore and must stay
 * cold: it should load the SDK and nothing of the bench harness around it.
 */

/**
 * The SDK keeps its store private; the benchmarks read it to time the store-level query under the
 * SDK's page cache. Checked at run time so a refactor fails loudly here rather than measuring nothing.
 */
export function sdkStore(kb: Kakeibo): LocalStore {
  const store = parts(kb)?.store as LocalStore | undefined;
  if (!store || typeof store.list !== 'function' || typeof store.applyRows !== 'function') {
    throw new Error(
      'Kakeibo no longer keeps its LocalStore in `parts.store`: update bench/src/support/sdk-internals.ts',
    );
  }
  return store;
}

/** What the facade is made of (packages/client/src/compose.ts), private to it. */
const parts = (kb: Kakeibo) => (kb as unknown as { parts?: { store?: unknown; cache?: unknown } }).parts;

/** The SDK's page cache (private too): dropped before a timed call so that call is a cache miss. */
export function sdkPageCache(kb: Kakeibo): { invalidate(table: 'expenses'): void } {
  const cache = parts(kb)?.cache as { invalidate?: unknown } | undefined;
  if (!cache || typeof cache.invalidate !== 'function') {
    throw new Error(
      'Kakeibo no longer keeps its QueryCache in `parts.cache`: update bench/src/support/sdk-internals.ts',
    );
  }
  return cache as { invalidate(table: 'expenses'): void };
}
