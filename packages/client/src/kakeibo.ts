import type { UndoResult } from './api/undo.js';
import { composeKakeibo, type KakeiboOptions, type KakeiboParts } from './compose.js';
import type { KakeiboEvents, SyncStatus } from './events.js';
import type { SyncResult } from './sync/engine.js';

export type { KakeiboOptions } from './compose.js';
export type { DeviceKeyVault } from './identity/device-identity.js';

/**
 * The Kakeibo client: every read and write goes to the local store first and works offline; sync
 * runs in the background. Create one with `openKakeibo` (Node) or `openKakeiboBrowser`. This class
 * is the facade only: what it is made of is wired by compose.ts, and each part lives in its module.
 */
export class Kakeibo {
  readonly categories;
  readonly expenses;
  readonly income;
  readonly accounts;
  readonly transfers;
  readonly recurring;
  readonly rates;
  readonly profile;
  readonly inventory;
  readonly receipts;
  readonly budgets;
  readonly transactions;
  readonly reports;
  readonly conflicts;
  readonly rejected;
  readonly auth;

  private closing: Promise<void> | undefined;

  private constructor(private readonly parts: KakeiboParts) {
    const { ledger } = parts;
    this.categories = ledger.categories;
    this.expenses = ledger.expenses;
    this.income = ledger.income;
    this.accounts = ledger.accounts;
    this.transfers = ledger.transfers;
    this.recurring = ledger.recurring;
    this.rates = ledger.rates;
    this.profile = ledger.profile;
    this.inventory = ledger.inventory;
    this.receipts = ledger.receipts;
    this.budgets = ledger.budgets;
    this.transactions = ledger.transactions;
    this.reports = ledger.reports;
    this.conflicts = ledger.conflicts;
    this.rejected = ledger.rejected;
    this.auth = parts.auth;
  }

  /** Opens the device's identity, clock and session on the store (migrated first), and wires the rest. */
  static async create(options: KakeiboOptions): Promise<Kakeibo> {
    return new Kakeibo(await composeKakeibo(options));
  }

  get deviceId(): string {
    return this.parts.identity.deviceId;
  }

  on<K extends keyof KakeiboEvents>(name: K, listener: (event: KakeiboEvents[K]) => void): () => void {
    return this.parts.emitter.on(name, listener);
  }

  status(): SyncStatus {
    return this.parts.status.get();
  }

  /** One full round (push, pull, verify). Concurrent calls share the running round and then run one more. */
  sync(): Promise<SyncResult> {
    return this.parts.rounds.sync();
  }

  /** Background sync: soon after local changes, on realtime notices (or an interval), on reconnect. */
  startSync(): void {
    this.parts.scheduler.start();
    this.parts.realtime?.start();
    if (this.parts.status.get().transport === 'off') this.parts.status.transport('polling');
  }

  stopSync(): void {
    this.parts.scheduler.stop();
    this.parts.realtime?.stop();
    this.parts.status.transport('off');
  }

  /**
   * Reverts the person's last change on this device (an edit, a deletion, or a whole batch such as
   * an import) by writing its inverse, which syncs like any change; null when there is nothing to
   * undo. Fields changed since, on another device or here, are left as they are and listed in
   * `skipped`.
   */
  undo(): Promise<UndoResult | null> {
    return this.parts.history.undo();
  }

  /** Writes again what the last undo reverted (itself undoable); null when there is nothing to redo. */
  redo(): Promise<UndoResult | null> {
    return this.parts.history.redo();
  }

  /** Whether undo() and redo() have something to revert (to enable the app's buttons). */
  undoState(): { canUndo: boolean; canRedo: boolean } {
    return { canUndo: this.parts.history.canUndo, canRedo: this.parts.history.canRedo };
  }

  /** Tell background sync the ledger moved (realtime notice) or the network is back. */
  nudge(): void {
    this.parts.scheduler.nudge(true);
  }

  /** Stops background sync, waits for a running round, keeps the clock and closes the store. */
  close(): Promise<void> {
    this.closing ??= this.parts.close();
    return this.closing;
  }
}
