import { ClockStateSchema, HybridClock, type Op, readJson, type TableName } from '@kakeibo/core';
import { accountApi } from './api/account.js';
import { ledgerApi } from './api/ledger.js';
import { QueryCache } from './api/query-cache.js';
import { UndoHistory } from './api/undo.js';
import { Emitter } from './events.js';
import { type DeviceIdentity, type DeviceKeyVault, openDeviceIdentity } from './identity/device-identity.js';
import { SessionHolder } from './identity/session.js';
import { META_KEYS } from './store/meta-keys.js';
import type { LocalStore } from './store/types.js';
import { SyncEngine } from './sync/engine.js';
import { RealtimeChannel, type WebSocketFactory } from './sync/realtime.js';
import { SyncRounds } from './sync/rounds.js';
import { SyncScheduler } from './sync/scheduler.js';
import { SyncStatusMachine } from './sync/status.js';
import { ApiClient, isSessionEnded } from './transport/api-client.js';

export interface KakeiboOptions {
  serverUrl: string;
  store: LocalStore;
  deviceName: string;
  platform?: string;
  fetch?: typeof fetch;
  now?: () => number;
  /** Background sync interval when nothing else triggers a round and no socket is connected. */
  syncIntervalMs?: number;
  /** Opens a WebSocket (the browser's, or the `ws` package in Node); without it, sync polls. */
  webSocket?: WebSocketFactory;
  /** Compress request bodies and ask for compressed answers (default true; see ApiClientOptions). */
  compression?: boolean;
  /**
   * Where the device's signing key lives. Without one it is kept (as a JWK) in the local store, which
   * is encrypted in Node; browsers keep a non-extractable CryptoKey in IndexedDB instead.
   */
  keyVault?: DeviceKeyVault;
  /** True while the platform knows it has no network: background sync waits (see SchedulerOptions). */
  isOffline?: () => boolean;
}

/** With a live socket, polling is only a safety net. */
const REALTIME_POLL_MS = 5 * 60_000;

/** The clock follows every stamp the server relays: those were already checked against its clock. */
const TRUST_SERVER_STAMPS_MS = Number.MAX_SAFE_INTEGER;

/** Everything a Kakeibo facade is made of, wired together by composeKakeibo. */
export type KakeiboParts = Awaited<ReturnType<typeof composeKakeibo>>;

/**
 * The composition root: opens the store, the device's identity, clock and session, and wires the
 * transport, sync engine, scheduler, realtime channel, status and the API's collections together.
 * Nothing here decides behaviour; each part does, in its own module.
 */
export async function composeKakeibo(options: KakeiboOptions) {
  const { store } = options;
  const now = options.now ?? Date.now;
  const serverUrl = options.serverUrl.replace(/\/+$/, '');
  await store.migrate();
  const identity: DeviceIdentity = await openDeviceIdentity(store, options.keyVault);
  const clock = await openClock(store, identity.deviceId, options.now);
  const session = await SessionHolder.open(store);
  const emitter = new Emitter();
  const cache = new QueryCache();
  const status = new SyncStatusMachine(
    session.get() !== null,
    (s) => emitter.emit('status', s),
    isSessionEnded,
  );
  let closed = false;

  const refreshCounts = async () => {
    if (closed) return;
    const [pendingOps, rejectedOps] = await Promise.all([store.outboxCount(), store.rejectedCount()]);
    status.counts({ pendingOps, rejectedOps });
  };
  const saveClock = () => store.setMeta(META_KEYS.clock, JSON.stringify(clock.state()));

  const api = new ApiClient({
    serverUrl,
    identity: { deviceId: identity.deviceId, alg: identity.keys.alg, privateKey: identity.keys.privateKey },
    loadSession: async () => session.get(),
    saveSession: (next) => session.save(next),
    onSignedOut: (code, message) => {
      status.signedOut({ code, message });
      emitter.emit('signedOut', { code, message });
    },
    onClockOffset: (aheadMs) => status.clockOffset(aheadMs),
    ...(options.fetch && { fetch: options.fetch }),
    ...(options.compression !== undefined && { compression: options.compression }),
    now,
  });
  const engine = new SyncEngine(
    store,
    api,
    clock,
    {
      changed: (changes) => {
        for (const [table, ids] of changes) {
          if (!ids.length) continue;
          cache.invalidate(table);
          emitter.emit('change', { table, ids });
        }
      },
    },
    now,
  );
  const rounds = new SyncRounds({
    engine,
    status,
    session,
    now,
    afterRound: async () => {
      await saveClock();
      await refreshCounts();
      // Recurring entries fall due with the days: after each round (what it pulled included), this
      // device writes those not written yet, here or elsewhere. Local work: done offline too.
      await ledger.recurring.materialize().catch(() => undefined);
    },
  });
  const intervalMs = options.syncIntervalMs ?? 30_000;
  const scheduler = new SyncScheduler({
    run: async () => {
      await rounds.sync();
    },
    intervalMs,
    ...(options.isOffline && { offline: options.isOffline }),
    skipped: () => status.offline(),
  });
  const realtime = options.webSocket
    ? new RealtimeChannel({
        api,
        serverUrl,
        connect: options.webSocket,
        onNotice: (head) => {
          void store.getMeta(META_KEYS.cursor).then((cursor) => {
            if (cursor === null || head > Number(cursor)) scheduler.nudge(true);
          });
        },
        onRevoked: () => scheduler.nudge(true),
        onConnected: (connected) => {
          scheduler.setIntervalMs(connected ? REALTIME_POLL_MS : intervalMs);
          status.transport(connected ? 'realtime' : 'polling');
        },
      })
    : null;

  const applyLocal = async (table: TableName, ops: readonly Op[]) => {
    // The clock is kept with the ops it stamped, so after a crash it never restarts behind them.
    await store.applyLocal(ops, { [META_KEYS.clock]: JSON.stringify(clock.state()) });
    cache.invalidate(table);
    emitter.emit('change', { table, ids: ops.map((op) => op.rowId) });
    scheduler.nudge();
    // Only the outbox grew: the refused count changes only when a sync acknowledges.
    if (!closed) status.counts({ pendingOps: await store.outboxCount() });
  };
  const history = new UndoHistory({ store, clock, write: applyLocal });
  const ledger = ledgerApi({
    store,
    cache,
    clock,
    now,
    apply: async (table, ops, options = {}) => {
      if (options.undoable === false) return applyLocal(table, ops);
      const step = await history.before(ops);
      await applyLocal(table, ops);
      history.recorded(step);
    },
  });
  const auth = accountApi({
    api,
    store,
    session,
    identity,
    device: { name: options.deviceName, platform: options.platform ?? 'node' },
    status,
    scheduler,
  });
  await refreshCounts();
  await ledger.recurring.materialize().catch(() => undefined);

  return {
    store,
    cache,
    identity,
    emitter,
    status,
    rounds,
    scheduler,
    realtime,
    ledger,
    history,
    auth,
    /** Stops background work and keeps the clock; the store closes after the running round. */
    async close() {
      closed = true;
      scheduler.stop();
      realtime?.stop();
      await rounds.settled();
      await saveClock();
      await store.close();
    },
  };
}

/**
 * The device's hybrid clock, from its kept state. A state that does not read (checked with core's
 * schema) starts the clock afresh from the wall clock, as on a new device; every stamp it receives
 * moves it forward from there as usual.
 */
async function openClock(store: LocalStore, deviceId: string, now?: () => number): Promise<HybridClock> {
  const saved = await store.getMeta(META_KEYS.clock);
  const state = saved === null ? undefined : readJson(ClockStateSchema, saved);
  return new HybridClock(deviceId, {
    maxDriftMs: TRUST_SERVER_STAMPS_MS,
    ...(now && { now }),
    ...(state && { state }),
  });
}
