import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DeviceKeyPair, SessionSchema } from '@kakeibo/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type DeviceKeyVault, openDeviceIdentity } from '../src/identity/device-identity.js';
import { SessionHolder } from '../src/identity/session.js';
import { Kakeibo } from '../src/kakeibo.js';
import { loadLocalKey } from '../src/node/key-storage.js';
import { META_KEYS } from '../src/store/meta-keys.js';
import { CLOCK_WARNING_MS, clockWarning, SyncStatusMachine } from '../src/sync/status.js';
import { TestStores } from './support/index.js';

/** What a device keeps of itself (identity, session, clock), read back through core's schemas. */
describe('device identity', () => {
  const stores = new TestStores();
  afterEach(() => stores.cleanup());

  it('is made once, kept, and signs with a key pair whose public half is public', async () => {
    const { store } = await stores.create();
    const first = await openDeviceIdentity(store);
    expect(first.deviceId).toMatch(/^[0-9a-f]{16}$/);
    expect(first.keys.privateKey.type).toBe('private');
    const again = await openDeviceIdentity(store);
    expect(again.deviceId).toBe(first.deviceId);
    expect(again.keys.publicKeyJwk).toEqual(first.keys.publicKeyJwk);
    // Read back from the store, the public half is the public key, not the private one again.
    expect(again.keys.publicKey.type).toBe('public');
    const message = new TextEncoder().encode('signed by this device');
    const algorithm = { name: 'ECDSA', hash: 'SHA-256' };
    const signature = await crypto.subtle.sign(algorithm, again.keys.privateKey, message);
    expect(await crypto.subtle.verify(algorithm, again.keys.publicKey, signature, message)).toBe(true);
  });

  it('becomes a new device, signed out, when its stored key does not read', async () => {
    const { store } = await stores.create();
    const first = await openDeviceIdentity(store);
    const session = { accessToken: 'a', refreshToken: 'r' };
    for (const damaged of ['{not json', JSON.stringify({ alg: 'rsa', privateJwk: {}, publicKeyJwk: {} })]) {
      await store.setMeta(META_KEYS.session, JSON.stringify(session));
      await store.setMeta(META_KEYS.deviceKey, damaged);
      const next = await openDeviceIdentity(store);
      expect(next.deviceId).not.toBe(first.deviceId);
      expect(await store.getMeta(META_KEYS.session)).toBeNull();
      // The new key is kept in the form core's schema reads.
      expect((await openDeviceIdentity(store)).deviceId).toBe(next.deviceId);
    }
  });

  it('moves a key an earlier version kept in the store into a vault, keeping the device', async () => {
    const { store } = await stores.create();
    const legacy = await openDeviceIdentity(store);
    let kept: DeviceKeyPair | null = null;
    const vault: DeviceKeyVault = {
      load: async () => kept,
      save: async (keys) => {
        kept = keys;
      },
    };
    const moved = await openDeviceIdentity(store, vault);
    expect(moved.deviceId).toBe(legacy.deviceId);
    expect(moved.keys.publicKeyJwk).toEqual(legacy.keys.publicKeyJwk);
    expect(kept).not.toBeNull();
    expect(await store.getMeta(META_KEYS.deviceKey)).toBeNull();
    // A vault that lost its key (site data cleared) makes a new device; the data stays.
    kept = null;
    const fresh = await openDeviceIdentity(store, vault);
    expect(fresh.deviceId).not.toBe(legacy.deviceId);
    expect(fresh.keys.privateKey.extractable).toBe(false);
  });

  it('reads a damaged session as none, and a damaged clock as a fresh one', async () => {
    const { store, file, key } = await stores.create();
    await store.setMeta(META_KEYS.session, '{"accessToken": 1}');
    expect((await SessionHolder.open(store)).get()).toBeNull();
    const session = SessionSchema.parse({
      userId: '019ab4a2-6f1e-7a2b-8c3d-4e5f6a7b8c9d',
      ledgerId: '019ab4a2-6f1e-7a2b-8c3d-4e5f6a7b8c9e',
      deviceId: 'aaaaaaaaaaaaaaaa',
      accessToken: 'x'.repeat(40),
      accessTokenExpiresAt: '2026-12-02T10:00:00.000Z',
      refreshToken: `krt1_${'y'.repeat(43)}`,
      refreshTokenExpiresAt: '2027-01-02T10:00:00.000Z',
    });
    await store.setMeta(META_KEYS.session, JSON.stringify(session));
    expect((await SessionHolder.open(store)).get()).toEqual(session);

    await store.setMeta(META_KEYS.clock, '{"wallMs": -5, "counter": "many"}');
    const kb = await Kakeibo.create({ serverUrl: 'http://127.0.0.1:9', store, deviceName: 'test' });
    const row = await kb.expenses.create({ amount: 100, currency: 'EUR', date: '2026-11-02' });
    expect(row.updatedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    await kb.close();
    const reopened = await stores.create({ file, key });
    const saved = JSON.parse((await reopened.store.getMeta(META_KEYS.clock)) ?? 'null');
    expect(saved).toEqual({ wallMs: expect.any(Number), counter: expect.any(Number) });
  });
});

describe('the local store key files (Node)', () => {
  const stores = new TestStores();
  afterEach(() => stores.cleanup());

  it('reads back the key it wrote, and refuses a damaged file with store.bad_key', async () => {
    const dataDir = stores.tempDir();
    const keyFile = join(stores.tempDir(), 'device.key');
    const wrapped = await loadLocalKey({ dataDir, secret: 'a long passphrase of mine' });
    expect(await loadLocalKey({ dataDir, secret: 'a long passphrase of mine' })).toEqual(wrapped);
    const raw = await loadLocalKey({ dataDir, keyFile });
    expect(raw).toHaveLength(32);
    expect(await loadLocalKey({ dataDir, keyFile })).toEqual(raw);

    for (const damaged of [
      '{',
      JSON.stringify({ v: 1, kdf: 'PBKDF2-SHA256', iterations: 1, salt: '', iv: '', wrapped: '' }),
    ]) {
      writeFileSync(join(dataDir, 'store-key.json'), damaged);
      await expect(loadLocalKey({ dataDir, secret: 'a long passphrase of mine' })).rejects.toMatchObject({
        code: 'store.bad_key',
      });
    }
    for (const damaged of ['not base64!', Buffer.alloc(31).toString('base64')]) {
      writeFileSync(keyFile, damaged);
      await expect(loadLocalKey({ dataDir, keyFile })).rejects.toMatchObject({ code: 'store.bad_key' });
    }
  });
});

describe('sync status', () => {
  const machine = () => {
    const seen: unknown[] = [];
    const status = new SyncStatusMachine(
      true,
      (s) => seen.push(s),
      (code) => code === 'auth.device_revoked',
    );
    return { status, seen };
  };

  it('moves by one rule per event', () => {
    const { status } = machine();
    status.roundStarted();
    expect(status.get()).toMatchObject({ syncing: true });
    status.roundFailed({ code: 'network.unreachable', message: 'down' });
    expect(status.get()).toMatchObject({ syncing: false, online: false, signedIn: true });
    status.roundSucceeded({ pushed: 1, pulled: 0, verified: true, repaired: 2 }, '2026-12-02T10:00:00.000Z');
    expect(status.get()).toMatchObject({
      online: true,
      lastError: null,
      lastSyncedAt: '2026-12-02T10:00:00.000Z',
      lastRepair: { buckets: 2, at: '2026-12-02T10:00:00.000Z' },
    });
    status.roundFailed({ code: 'auth.device_revoked', message: 'revoked' });
    expect(status.get()).toMatchObject({
      online: true,
      signedIn: false,
      lastError: { code: 'auth.device_revoked' },
    });
    status.signedIn();
    expect(status.get()).toMatchObject({ signedIn: true, lastError: null });
  });

  it('warns about a clock a minute or more off, in words, and announces only changes', () => {
    const { status, seen } = machine();
    status.clockOffset(1_500);
    expect(seen).toEqual([]);
    status.clockOffset(7 * 60_000 + 800);
    status.clockOffset(7 * 60_000 + 1_200);
    expect(seen).toHaveLength(1);
    expect(status.get().clock).toEqual({
      aheadMs: 7 * 60_000 + 800,
      message:
        "This device's clock is 7 minutes ahead: check its date and time. Until then, changes made here cannot sync.",
    });
    status.clockOffset(-2_000);
    expect(status.get().clock).toBeNull();
    expect(seen).toHaveLength(2);
  });

  it('says how far off in the unit a person would', () => {
    expect(clockWarning(CLOCK_WARNING_MS - 1)).toBeNull();
    expect(clockWarning(-CLOCK_WARNING_MS)?.message).toBe(
      "This device's clock is 1 minute behind: check its date and time.",
    );
    expect(clockWarning(4 * 60_000)?.message).toBe(
      "This device's clock is 4 minutes ahead: check its date and time.",
    );
    expect(clockWarning(-3 * 3_600_000)?.message).toBe(
      "This device's clock is 3 hours behind: check its date and time.",
    );
    expect(clockWarning(-2 * 86_400_000)?.message).toBe(
      "This device's clock is 2 days behind: check its date and time.",
    );
  });
});
