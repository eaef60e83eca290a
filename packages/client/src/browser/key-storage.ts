import { type CryptoKey, type DeviceKeyPair, KakeiboError } from '@kakeibo/core';
import type { DeviceKeyVault } from '../identity/device-identity.js';

/** The part of IndexedDB this needs, typed structurally (the SDK compiles without DOM typings). */
interface Request<T> {
  result: T;
  error: unknown;
  onsuccess: (() => void) | null;
  onerror: (() => void) | null;
}
interface OpenRequest extends Request<Database> {
  onupgradeneeded: (() => void) | null;
}
interface Database {
  createObjectStore(name: string): unknown;
  objectStoreNames: { contains(name: string): boolean };
  transaction(
    store: string,
    mode: 'readonly' | 'readwrite',
  ): {
    objectStore(name: string): {
      get(key: string): Request<unknown>;
      put(value: unknown, key: string): Request<unknown>;
    };
  };
  close(): void;
}
interface Factory {
  open(name: string, version: number): OpenRequest;
}

const DB = 'kakeibo-device-keys';
const STORE = 'keys';

const done = <T>(request: Request<T>) =>
  new Promise<T>((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });

async function openDb(): Promise<Database> {
  const factory = (globalThis as { indexedDB?: Factory }).indexedDB;
  if (!factory)
    throw new KakeiboError('store.no_indexeddb', 'This browser has no IndexedDB to keep the device keys in.');
  const request = factory.open(DB, 1);
  request.onupgradeneeded = () => {
    if (!request.result.objectStoreNames.contains(STORE)) request.result.createObjectStore(STORE);
  };
  return done(request);
}

/**
 * One entry of the keys object store. Values are CryptoKeys (or objects holding them): structured
 * clone keeps a non-extractable key non-extractable, so script in the page can use it but never read it.
 */
function entry<T>(key: string): { load(): Promise<T | null>; save(value: T): Promise<void> } {
  return {
    async load() {
      const db = await openDb();
      try {
        const value = await done(db.transaction(STORE, 'readonly').objectStore(STORE).get(key));
        return (value as T | undefined) ?? null;
      } finally {
        db.close();
      }
    },
    async save(value) {
      const db = await openDb();
      try {
        await done(db.transaction(STORE, 'readwrite').objectStore(STORE).put(value, key));
      } finally {
        db.close();
      }
    },
  };
}

/**
 * The device's signing key as a non-extractable CryptoKey in IndexedDB: script in the page can use it
 * to sign but never read it, and it is in no file of the local database.
 */
export function indexedDbKeyVault(name: string): DeviceKeyVault {
  return entry<DeviceKeyPair>(name);
}

/**
 * The key that seals the local store's values (see store/sealer.ts), a non-extractable AES-GCM
 * CryptoKey in IndexedDB beside the device key, never in the OPFS files of the store it seals.
 * Store names cannot contain '/', so this entry never meets a device key's.
 */
export function indexedDbStoreKey(name: string): {
  load(): Promise<CryptoKey | null>;
  save(key: CryptoKey): Promise<void>;
} {
  return entry<CryptoKey>(`${name}/store-key`);
}
