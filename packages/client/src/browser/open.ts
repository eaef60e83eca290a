import { KakeiboError } from '@kakeibo/core';
import { Kakeibo } from '../kakeibo.js';
import { sqliteLocalStore } from '../store/local-store.js';
import { aesGcmSealer, generateSealerKey } from '../store/sealer.js';
import type { FieldSealer, LocalStore } from '../store/types.js';
import type { WebSocketLike } from '../sync/realtime.js';
import { openWorkerDriver } from './driver.js';
import { indexedDbKeyVault, indexedDbStoreKey } from './key-storage.js';
import type { WorkerLike } from './protocol.js';

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
  /**
   * When the local data cannot be read because the key that sealed it is gone (`store.key_missing`:
   * the site's IndexedDB was cleared while its files stayed), empty the store and start it again, to
   * be filled from the server. Changes this device had not synced are lost, so only pass it when the
   * person chose to (the app asks). Default false: opening fails with `store.key_missing`.
   */
  resetUnreadable?: boolean;
}

/** The browser's Worker constructor, typed structurally: the SDK's build has no DOM typings. */
declare const Worker: new (url: URL, options: { type: 'module'; name?: string }) => WorkerLike;

/**
 * Opens the Kakeibo client in a browser: the local store is SQLite (official WASM build) on the
 * origin private file system, in a dedicated Web Worker; the same store code and API as in Node.
 *
 * The WASM build has no SQLCipher, so the store seals every value holding user data itself (AES-GCM,
 * store/sealer.ts) before it reaches SQLite, with a non-extractable key kept in IndexedDB, apart from
 * the OPFS files. Bundlers: the worker is `new URL('./worker.js', import.meta.url)` with
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
    const store = sqliteLocalStore(driver, { sealer: await storeSealer(dbName) });
    if (options.resetUnreadable) await migrateOrErase(store);
    kb = await Kakeibo.create({
      serverUrl: options.serverUrl,
      deviceName: options.deviceName,
      platform: 'web',
      keyVault: indexedDbKeyVault(dbName),
      store,
      // The browser knows when it has no network at all; `watchOnline` nudges sync when it comes back.
      isOffline: () => (globalThis as { navigator?: { onLine?: boolean } }).navigator?.onLine === false,
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

/**
 * The sealer of the store named `dbName`, with its key from IndexedDB; the first open makes the key
 * and saves it before the store seals anything with it, so no sealed value ever outlives its key's
 * saving.
 */
async function storeSealer(dbName: string): Promise<FieldSealer> {
  const vault = indexedDbStoreKey(dbName);
  let key = await vault.load();
  if (!key) {
    key = await generateSealerKey();
    await vault.save(key);
  }
  return aesGcmSealer(key);
}

/** Migrates the store; a store whose sealing key is gone is emptied first (see `resetUnreadable`). */
async function migrateOrErase(store: LocalStore): Promise<void> {
  try {
    await store.migrate();
  } catch (error) {
    if (!(error instanceof KakeiboError && error.code === 'store.key_missing')) throw error;
    await store.erase();
    await store.migrate();
  }
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
