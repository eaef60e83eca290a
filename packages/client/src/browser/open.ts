import { KakeiboError } from '@kakeibo/core';
import { Kakeibo } from '../kakeibo.js';
import { SqliteLocalStore } from '../store/local-store.js';
import type { WebSocketLike } from '../sync/realtime.js';
import { indexedDbKeyVault } from './key-vault.js';
import type { WorkerLike } from './protocol.js';
import { exclusiveStore, openWorkerDriver } from './worker-driver.js';

export interface OpenKakeiboBrowserOptions {
  serverUrl: string;
  deviceName: string;
  /** The local database's name in this origin's private file system (letters, digits, . _ -). Default `kakeibo`. */
  dbName?: string;
  fetch?: typeof fetch;
  now?: () => number;
  syncIntervalMs?: number;
  /** How long to wait for another tab (or the page before a reload) to let go of the store. Default 5 s. */
  lockWaitMs?: number;
  /** Nudge background sync when the browser says the network is back (default true). */
  watchOnline?: boolean;
}

/** The browser's Worker constructor, typed structurally: the SDK's build has no DOM typings. */
declare const Worker: new (url: URL, options: { type: 'module'; name?: string }) => WorkerLike;

/**
 * Opens the Kakeibo client in a browser: the local store is SQLite (official WASM build) on the
 * origin private file system, in a dedicated Web Worker; the same store code and API as in Node.
 *
 * The store is not encrypted at rest (no SQLCipher in the WASM build): it relies on the origin's
 * OPFS isolation. Bundlers: the worker is `new URL('./worker.js', import.meta.url)` with
 * `type: 'module'`; with Vite, set `worker: { format: 'es' }`.
 */
export async function openKakeiboBrowser(options: OpenKakeiboBrowserOptions): Promise<Kakeibo> {
  const dbName = options.dbName ?? 'kakeibo';
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(dbName)) {
    throw new KakeiboError(
      'store.bad_name',
      `The database name ${JSON.stringify(dbName)} may only use letters, digits, ".", "_" and "-".`,
    );
  }
  const worker = new Worker(new URL('./worker.js', import.meta.url), {
    type: 'module',
    name: 'kakeibo-store',
  });
  const driver = await openWorkerDriver(worker, {
    name: dbName,
    ...(options.lockWaitMs !== undefined && { lockWaitMs: options.lockWaitMs }),
  }).catch((error: unknown) => {
    worker.terminate();
    throw error;
  });
  let kb: Kakeibo;
  try {
    kb = await Kakeibo.create({
      serverUrl: options.serverUrl,
      deviceName: options.deviceName,
      platform: 'web',
      keyVault: indexedDbKeyVault(dbName),
      store: exclusiveStore(new SqliteLocalStore(driver), driver),
      ...(options.fetch && { fetch: options.fetch }),
      ...(options.now && { now: options.now }),
      ...(options.syncIntervalMs !== undefined && { syncIntervalMs: options.syncIntervalMs }),
      // The browser's own WebSocket: realtime notices, with polling as the fallback.
      ...(typeof (globalThis as { WebSocket?: unknown }).WebSocket === 'function' && {
        webSocket: (url: string) =>
          new (globalThis as unknown as { WebSocket: new (url: string) => WebSocketLike }).WebSocket(url),
      }),
    });
  } catch (error) {
    await driver.close().catch(() => {});
    throw error;
  }
  if (options.watchOnline !== false) {
    const unwatch = watchOnline(kb);
    const close = kb.close.bind(kb);
    kb.close = async () => {
      unwatch();
      await close();
    };
  }
  return kb;
}

/** The part of `window` (or a worker's global scope) the online hook uses. */
export interface OnlineEventTarget {
  addEventListener(type: 'online', listener: () => void): void;
  removeEventListener(type: 'online', listener: () => void): void;
}

/**
 * When the browser reports that the network is back (`online` event), background sync runs at once
 * instead of waiting out its backoff. Returns the function that stops listening.
 */
export function watchOnline(
  kb: Pick<Kakeibo, 'nudge'>,
  target: OnlineEventTarget | undefined = globalThis as unknown as OnlineEventTarget,
): () => void {
  if (typeof target?.addEventListener !== 'function') return () => {};
  const listener = () => kb.nudge();
  target.addEventListener('online', listener);
  return () => target.removeEventListener('online', listener);
}
