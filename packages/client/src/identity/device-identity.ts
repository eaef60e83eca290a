import {
  type DeviceKeyPair,
  generateDeviceKeyPair,
  importDevicePrivateKey,
  importDevicePublicKey,
  newDeviceId,
  readJson,
  type StoredDeviceKey,
  StoredDeviceKeySchema,
} from '@kakeibo/core';
import { META_KEYS } from '../store/meta-keys.js';
import type { MetaStore } from '../store/types.js';

/** Where a device's signing key lives when not in the store (browsers: a CryptoKey in IndexedDB). */
export interface DeviceKeyVault {
  load(): Promise<DeviceKeyPair | null>;
  save(keys: DeviceKeyPair): Promise<void>;
}

/** Who this device is to the server: its id (the device part of its stamps) and its signing key. */
export interface DeviceIdentity {
  deviceId: string;
  keys: DeviceKeyPair;
}

/**
 * The device's identity on a migrated store, made on first start. A new key (first start, the key
 * vault cleared while the data stayed, or a stored key that no longer reads) is a new device to the
 * server: a new id, and the session is dropped, so the person signs in again. The local data and its
 * unsynced changes stay either way.
 */
export async function openDeviceIdentity(store: MetaStore, vault?: DeviceKeyVault): Promise<DeviceIdentity> {
  const known = await store.getMeta(META_KEYS.deviceId);
  const { keys, fresh } = vault ? await keysFromVault(vault, store) : await keysFromStore(store);
  if (known && !fresh) return { deviceId: known, keys };
  const deviceId = newDeviceId();
  await store.setMeta(META_KEYS.deviceId, deviceId);
  await store.setMeta(META_KEYS.session, null);
  return { deviceId, keys };
}

/** A vault keeps the key itself: a new one is made non-extractable, so its bytes never leave WebCrypto. */
async function keysFromVault(
  vault: DeviceKeyVault,
  store: MetaStore,
): Promise<{ keys: DeviceKeyPair; fresh: boolean }> {
  const saved = await vault.load();
  if (saved) return { keys: saved, fresh: false };
  const legacy = await readStoredKey(store);
  if (legacy) {
    // A key an earlier version kept in the store moves into the vault and leaves the store.
    const keys = await importStoredKey(legacy);
    await vault.save(keys);
    await store.setMeta(META_KEYS.deviceKey, null);
    return { keys, fresh: false };
  }
  const keys = await generateDeviceKeyPair('ecdsa-p256-sha256', { extractable: false });
  await vault.save(keys);
  return { keys, fresh: true };
}

/** Without a vault the key pair lives in the (encrypted) local store, the private half as a JWK. */
async function keysFromStore(store: MetaStore): Promise<{ keys: DeviceKeyPair; fresh: boolean }> {
  const saved = await readStoredKey(store);
  if (saved) return { keys: await importStoredKey(saved), fresh: false };
  const keys = await generateDeviceKeyPair();
  const privateJwk = await globalThis.crypto.subtle.exportKey('jwk', keys.privateKey);
  const stored = StoredDeviceKeySchema.parse({ alg: keys.alg, privateJwk, publicKeyJwk: keys.publicKeyJwk });
  await store.setMeta(META_KEYS.deviceKey, JSON.stringify(stored));
  return { keys, fresh: true };
}

/**
 * The stored key pair, checked with core's schema. One that does not read (damaged, or not a key)
 * counts as no key at all: the device gets a new one and signs in again, rather than failing every
 * request with a signature the server cannot verify.
 */
async function readStoredKey(store: MetaStore): Promise<StoredDeviceKey | null> {
  const text = await store.getMeta(META_KEYS.deviceKey);
  return (text !== null && readJson(StoredDeviceKeySchema, text)) || null;
}

async function importStoredKey({ alg, privateJwk, publicKeyJwk }: StoredDeviceKey): Promise<DeviceKeyPair> {
  const [privateKey, publicKey] = await Promise.all([
    importDevicePrivateKey(privateJwk, alg),
    importDevicePublicKey(publicKeyJwk, alg),
  ]);
  return { alg, privateKey, publicKey, publicKeyJwk };
}
