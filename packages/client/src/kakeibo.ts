import {
  BudgetCreateSchema,
  BudgetPatchSchema,
  CategoryCreateSchema,
  CategoryPatchSchema,
  type ClockState,
  type DeviceKeyPair,
  DeviceListSchema,
  ExpenseCreateSchema,
  ExpensePatchSchema,
  generateDeviceKeyPair,
  HybridClock,
  IncomeCreateSchema,
  IncomePatchSchema,
  InventoryItemCreateSchema,
  InventoryItemPatchSchema,
  importDevicePrivateKey,
  isKakeiboError,
  KakeiboError,
  newDeviceId,
  ReceiptCreateSchema,
  ReceiptPatchSchema,
  RevokeDevicesResponseSchema,
  type Session,
  SessionSchema,
  type SignatureAlg,
  type TableName,
} from '@kakeibo/core';
import { budgetProgress } from './api/budget-progress.js';
import { Collection, type WriteContext } from './api/collection.js';
import { QueryCache } from './api/query-cache.js';
import {
  listTransactions,
  type MonthRange,
  monthlyTotals,
  type TransactionQuery,
} from './api/transactions.js';
import { Emitter, type KakeiboEvents, type SyncStatus } from './events.js';
import type { LocalStore } from './store/types.js';
import { META as SYNC_META, SyncEngine, type SyncResult } from './sync/engine.js';
import { RealtimeChannel, type WebSocketFactory } from './sync/realtime.js';
import { SyncScheduler } from './sync/scheduler.js';
import { ApiClient, IGNORE_REPLY, isSessionEnded } from './transport/api-client.js';

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

export interface DeviceKeyVault {
  load(): Promise<DeviceKeyPair | null>;
  save(keys: DeviceKeyPair): Promise<void>;
}

/** With a live socket, polling is only a safety net. */
const REALTIME_POLL_MS = 5 * 60_000;

const META = Object.freeze({
  deviceId: 'device.id',
  deviceKey: 'device.key',
  clock: 'clock.state',
  session: 'auth.session',
  userId: 'auth.user_id',
  email: 'auth.email',
});

/** The clock follows every stamp the server relays: those were already checked against its clock. */
const TRUST_SERVER_STAMPS_MS = Number.MAX_SAFE_INTEGER;

/**
 * The Kakeibo client: every read and write goes to the local store first and works offline; sync
 * runs in the background. Create one with `openKakeibo` (Node) or the browser entry point.
 */
export class Kakeibo {
  readonly categories;
  readonly expenses;
  readonly income;
  readonly inventory;
  readonly receipts;
  readonly budgets;
  readonly transactions;
  readonly auth;
  readonly conflicts;
  readonly reports;
  readonly rejected;

  private readonly emitter = new Emitter();
  private readonly cache = new QueryCache();
  private readonly now: () => number;
  private readonly api: ApiClient;
  private readonly engine: SyncEngine;
  private readonly scheduler: SyncScheduler;
  private readonly realtime: RealtimeChannel | null;
  private current: SyncStatus = {
    online: true,
    syncing: false,
    signedIn: false,
    pendingOps: 0,
    rejectedOps: 0,
    lastSyncedAt: null,
    lastError: null,
    lastRepair: null,
    transport: 'off',
  };
  private round: Promise<SyncResult> | null = null;
  private closed = false;

  private constructor(
    private readonly options: KakeiboOptions,
    private readonly store: LocalStore,
    private readonly clock: HybridClock,
    private readonly identity: { deviceId: string; keys: DeviceKeyPair },
    private session: Session | null,
  ) {
    this.now = options.now ?? Date.now;
    this.current.signedIn = session !== null;
    this.api = new ApiClient({
      serverUrl: options.serverUrl.replace(/\/+$/, ''),
      identity: { deviceId: identity.deviceId, alg: identity.keys.alg, privateKey: identity.keys.privateKey },
      loadSession: async () => this.session,
      saveSession: async (next) => {
        this.session = next;
        await store.setMeta(META.session, next ? JSON.stringify(next) : null);
      },
      onSignedOut: (code, message) => {
        this.setStatus({ signedIn: false, lastError: { code, message } });
        this.emitter.emit('signedOut', { code, message });
      },
      ...(options.fetch && { fetch: options.fetch }),
      ...(options.compression !== undefined && { compression: options.compression }),
      now: this.now,
    });
    this.engine = new SyncEngine(
      store,
      this.api,
      clock,
      {
        changed: (changes) => this.emitChanges(changes),
        clockSkew: () => {},
      },
      this.now,
    );
    this.scheduler = new SyncScheduler({
      run: async () => {
        await this.sync();
      },
      intervalMs: options.syncIntervalMs ?? 30_000,
      ...(options.isOffline && { offline: options.isOffline }),
      skipped: () => this.setStatus({ online: false }),
    });
    this.realtime = options.webSocket
      ? new RealtimeChannel({
          api: this.api,
          serverUrl: options.serverUrl.replace(/\/+$/, ''),
          connect: options.webSocket,
          onNotice: (head) => {
            void store.getMeta(SYNC_META.cursor).then((cursor) => {
              if (cursor === null || head > Number(cursor)) this.scheduler.nudge(true);
            });
          },
          onRevoked: () => this.scheduler.nudge(true),
          onConnected: (connected) => {
            this.scheduler.setIntervalMs(connected ? REALTIME_POLL_MS : (options.syncIntervalMs ?? 30_000));
            this.setStatus({ transport: connected ? 'realtime' : 'polling' });
          },
        })
      : null;

    const ctx: WriteContext = {
      store,
      cache: this.cache,
      clock,
      now: this.now,
      apply: async (table, ops) => {
        // The clock is kept with the ops it stamped, so after a crash it never restarts behind them.
        await store.applyLocal(ops, { [META.clock]: JSON.stringify(clock.state()) });
        this.cache.invalidate(table);
        this.emitter.emit('change', { table, ids: ops.map((op) => op.rowId) });
        this.scheduler.nudge();
        // Only the outbox grew: the refused count changes only when a sync acknowledges.
        if (!this.closed) this.setStatus({ pendingOps: await store.outboxCount() });
      },
    };
    this.categories = new Collection(
      'categories',
      { create: CategoryCreateSchema, patch: CategoryPatchSchema },
      ctx,
    );
    this.expenses = new Collection(
      'expenses',
      { create: ExpenseCreateSchema, patch: ExpensePatchSchema },
      ctx,
    );
    this.income = new Collection('income', { create: IncomeCreateSchema, patch: IncomePatchSchema }, ctx);
    this.inventory = new Collection(
      'inventory',
      { create: InventoryItemCreateSchema, patch: InventoryItemPatchSchema },
      ctx,
    );
    this.receipts = new Collection(
      'receipts',
      { create: ReceiptCreateSchema, patch: ReceiptPatchSchema },
      ctx,
    );
    const budgets = new Collection('budgets', { create: BudgetCreateSchema, patch: BudgetPatchSchema }, ctx);
    this.budgets = Object.assign(budgets, {
      /** Spent vs limit per budget for a month (default: this month), in minor units. */
      progress: async (query: { month?: string } = {}) => {
        const all = [];
        let cursor: string | undefined;
        do {
          const page = await budgets.list({ limit: 500, ...(cursor && { cursor }) });
          all.push(...page.items);
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        return budgetProgress(store, all, {
          ...query,
          today: new Date(this.now()).toISOString().slice(0, 10),
        });
      },
    });
    this.transactions = {
      /** Expenses and income together, newest first; each row with `kind: 'expense' | 'income'`. */
      list: (query: TransactionQuery = {}) => listTransactions(store, this.cache, query),
    };
    this.auth = {
      signUp: (credentials: { email: string; password: string }) => this.authenticate('signup', credentials),
      signIn: (credentials: { email: string; password: string }) => this.authenticate('signin', credentials),
      signOut: () => this.signOut(),
      /** The devices (sessions) of this account, from the server. */
      devices: async () => (await this.api.call(DeviceListSchema, 'GET', '/v1/devices')).devices,
      revokeDevices: (request: { deviceIds: string[] } | { allButCurrent: true }) =>
        this.api.call(RevokeDevicesResponseSchema, 'POST', '/v1/devices/revoke', request),
    };
    this.conflicts = {
      list: (options: { includeDismissed?: boolean } = {}) => store.conflicts(options.includeDismissed),
      dismiss: (id: string) => store.dismissConflict(id),
    };
    this.reports = {
      spendingByCategory: ({ from, to }: { from: string; to: string }) => store.spendingByCategory(from, to),
      /** Expenses and income per month (`YYYY-MM`, inclusive) and currency, sorted by month then currency. */
      monthlyTotals: (range: MonthRange) => monthlyTotals(store, this.cache, range),
    };
    this.rejected = {
      list: () => store.rejectedOps(),
      dismiss: (opId: string) => store.dismissRejected(opId),
    };
  }

  /** Opens (or creates) the device's identity, clock and session on a migrated store. */
  static async create(options: KakeiboOptions): Promise<Kakeibo> {
    const { store } = options;
    await store.migrate();
    let deviceId = await store.getMeta(META.deviceId);
    const { keys, fresh } = options.keyVault
      ? await keysFromVault(options.keyVault, store)
      : { keys: await loadOrCreateKeys(store), fresh: false };
    if (!deviceId || fresh) {
      // A new key (first start, or the key store was cleared while the data stayed) is a new device
      // to the server: a new id, and sign in again. The local data and its unsynced changes stay.
      deviceId = newDeviceId();
      await store.setMeta(META.deviceId, deviceId);
      await store.setMeta(META.session, null);
    }
    const saved = await store.getMeta(META.clock);
    const clock = new HybridClock(deviceId, {
      maxDriftMs: TRUST_SERVER_STAMPS_MS,
      ...(options.now && { now: options.now }),
      ...(saved && { state: JSON.parse(saved) as ClockState }),
    });
    const session = await store.getMeta(META.session);
    const kb = new Kakeibo(
      options,
      store,
      clock,
      { deviceId, keys },
      session ? (JSON.parse(session) as Session) : null,
    );
    await kb.refreshCounts();
    return kb;
  }

  get deviceId(): string {
    return this.identity.deviceId;
  }

  on<K extends keyof KakeiboEvents>(name: K, listener: (event: KakeiboEvents[K]) => void): () => void {
    return this.emitter.on(name, listener);
  }

  status(): SyncStatus {
    return { ...this.current };
  }

  /** One full round (push, pull, verify). Concurrent calls share the running round and then run one more. */
  async sync(): Promise<SyncResult> {
    if (!this.session)
      throw new KakeiboError('auth.signed_out', 'Sign in before syncing: this device has no session.');
    while (this.round) await this.round.catch(() => {});
    this.round = this.runRound();
    try {
      return await this.round;
    } finally {
      this.round = null;
    }
  }

  private async runRound(): Promise<SyncResult> {
    this.setStatus({ syncing: true });
    try {
      const result = await this.engine.round();
      this.setStatus({
        online: true,
        syncing: false,
        lastError: null,
        lastSyncedAt: new Date(this.now()).toISOString(),
        ...(result.repaired && {
          lastRepair: { buckets: result.repaired, at: new Date(this.now()).toISOString() },
        }),
      });
      await this.store.setMeta(META.clock, JSON.stringify(this.clock.state()));
      await this.refreshCounts();
      return result;
    } catch (error) {
      const failure = isKakeiboError(error)
        ? { code: error.code, message: error.message }
        : { code: 'sync.failed', message: (error as Error).message };
      this.setStatus({
        syncing: false,
        online: failure.code !== 'network.unreachable',
        lastError: failure,
        ...(isSessionEnded(failure.code) && { signedIn: false }),
      });
      await this.refreshCounts();
      throw error;
    }
  }

  /** Background sync: soon after local changes, on realtime notices (or an interval), on reconnect. */
  startSync(): void {
    this.scheduler.start();
    this.realtime?.start();
    if (this.current.transport === 'off') this.setStatus({ transport: 'polling' });
  }

  stopSync(): void {
    this.scheduler.stop();
    this.realtime?.stop();
    this.setStatus({ transport: 'off' });
  }

  /** Tell background sync the ledger moved (realtime notice) or the network is back. */
  nudge(): void {
    this.scheduler.nudge(true);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.scheduler.stop();
    this.realtime?.stop();
    await this.round?.catch(() => {});
    await this.store.setMeta(META.clock, JSON.stringify(this.clock.state()));
    await this.store.close();
  }

  private async authenticate(kind: 'signup' | 'signin', credentials: { email: string; password: string }) {
    const { deviceId, keys } = this.identity;
    const device = {
      id: deviceId,
      name: this.options.deviceName,
      platform: this.options.platform ?? 'node',
      publicKey: keys.publicKeyJwk,
    };
    const session = await this.api.call(
      SessionSchema,
      'POST',
      `/v1/auth/${kind}`,
      { ...credentials, device },
      'none',
    );
    const previous = await this.store.getMeta(META.userId);
    if (previous && previous !== session.userId) {
      throw new KakeiboError(
        'auth.other_account',
        'This device holds another account’s data: open a separate data directory for this account.',
      );
    }
    this.session = session;
    await this.store.setMeta(META.session, JSON.stringify(session));
    await this.store.setMeta(META.userId, session.userId);
    await this.store.setMeta(META.email, credentials.email.trim().toLowerCase());
    this.setStatus({ signedIn: true, lastError: null });
    this.scheduler.nudge(true);
    return { userId: session.userId, deviceId };
  }

  /** Ends this device's session on the server; the local data stays (and unsynced changes with it). */
  private async signOut(): Promise<void> {
    if (this.session) {
      await this.api.call(IGNORE_REPLY, 'POST', '/v1/auth/signout').catch((error: unknown) => {
        if (!(isKakeiboError(error) && (isSessionEnded(error.code) || error.code === 'network.unreachable')))
          throw error;
      });
    }
    this.session = null;
    await this.store.setMeta(META.session, null);
    this.setStatus({ signedIn: false });
  }

  private emitChanges(changes: Map<TableName, string[]>) {
    for (const [table, ids] of changes) {
      if (!ids.length) continue;
      this.cache.invalidate(table);
      this.emitter.emit('change', { table, ids });
    }
  }

  private async refreshCounts() {
    if (this.closed) return;
    const [pendingOps, rejectedOps] = await Promise.all([
      this.store.outboxCount(),
      this.store.rejectedCount(),
    ]);
    this.setStatus({ pendingOps, rejectedOps });
  }

  private setStatus(patch: Partial<SyncStatus>) {
    this.current = { ...this.current, ...patch };
    this.emitter.emit('status', this.status());
  }
}

/** A vault keeps the key itself: a new one is made non-extractable, so its bytes never leave WebCrypto. */
async function keysFromVault(
  vault: DeviceKeyVault,
  store: LocalStore,
): Promise<{ keys: DeviceKeyPair; fresh: boolean }> {
  const saved = await vault.load();
  if (saved) return { keys: saved, fresh: false };
  const legacy = await store.getMeta(META.deviceKey);
  if (legacy) {
    // A key an earlier version kept in the store moves into the vault and leaves the store.
    const { alg, privateJwk, publicKeyJwk } = JSON.parse(legacy) as {
      alg: SignatureAlg;
      privateJwk: JsonWebKey;
      publicKeyJwk: JsonWebKey;
    };
    const privateKey = await importDevicePrivateKey(privateJwk, alg);
    const keys = { alg, privateKey, publicKey: privateKey, publicKeyJwk };
    await vault.save(keys);
    await store.setMeta(META.deviceKey, null);
    return { keys, fresh: false };
  }
  const keys = await generateDeviceKeyPair('ecdsa-p256-sha256', { extractable: false });
  await vault.save(keys);
  return { keys, fresh: (await store.getMeta(META.deviceId)) !== null };
}

/** The device key pair lives in the (encrypted) local store, private half as a JWK. */
async function loadOrCreateKeys(store: LocalStore): Promise<DeviceKeyPair> {
  const saved = await store.getMeta(META.deviceKey);
  if (saved) {
    const { alg, privateJwk, publicKeyJwk } = JSON.parse(saved) as {
      alg: SignatureAlg;
      privateJwk: JsonWebKey;
      publicKeyJwk: JsonWebKey;
    };
    const privateKey = await importDevicePrivateKey(privateJwk, alg);
    return { alg, privateKey, publicKey: privateKey, publicKeyJwk };
  }
  const keys = await generateDeviceKeyPair();
  const privateJwk = await globalThis.crypto.subtle.exportKey('jwk', keys.privateKey);
  await store.setMeta(
    META.deviceKey,
    JSON.stringify({ alg: keys.alg, privateJwk, publicKeyJwk: keys.publicKeyJwk }),
  );
  return keys;
}

type JsonWebKey = import('@kakeibo/core').JsonWebKey;
