import type { TableName } from '@kakeibo/core';

export interface KakeiboEvents {
  /** Rows changed, locally or by sync. */
  change: { table: TableName; ids: string[] };
  /** Status changed (online, syncing, pending count, errors). */
  status: SyncStatus;
  /** The server ended this device's session; local data is kept. */
  signedOut: { code: string; message: string };
}

export interface SyncStatus {
  online: boolean;
  syncing: boolean;
  signedIn: boolean;
  /** Local changes not yet acknowledged by the server. */
  pendingOps: number;
  /** Changes the server refused for good, to show the person. */
  rejectedOps: number;
  lastSyncedAt: string | null;
  /** The last failure, with a stable code and a message a person can act on; null after a clean round. */
  lastError: { code: string; message: string } | null;
  /** How this device hears that its ledger moved: a live socket, or polling on an interval. */
  transport: 'realtime' | 'polling' | 'off';
  /** Set when the last verification found differences and repaired them. */
  lastRepair: { buckets: number; at: string } | null;
  /** Set while this device's clock is off from the server's by a minute or more (see sync/status.ts). */
  clock: ClockWarning | null;
}

/** A device clock far enough off to matter, in milliseconds and in words a person can act on. */
export interface ClockWarning {
  /** How far this device's clock is ahead of the server's; negative when it is behind. */
  aheadMs: number;
  /** E.g. "This device's clock is 7 minutes ahead: check its date and time." */
  message: string;
}

type Listener<T> = (event: T) => void;

/** A tiny typed emitter (no Node or DOM dependency: the SDK runs in both). */
export class Emitter {
  private readonly listeners = new Map<keyof KakeiboEvents, Set<Listener<never>>>();

  on<K extends keyof KakeiboEvents>(name: K, listener: Listener<KakeiboEvents[K]>): () => void {
    const set = this.listeners.get(name) ?? new Set<Listener<never>>();
    this.listeners.set(name, set);
    set.add(listener as Listener<never>);
    return () => set.delete(listener as Listener<never>);
  }

  emit<K extends keyof KakeiboEvents>(name: K, event: KakeiboEvents[K]): void {
    for (const listener of this.listeners.get(name) ?? []) {
      try {
        (listener as Listener<KakeiboEvents[K]>)(event);
      } catch {
        // A listener's failure is the listener's; it must not break a write or a sync round.
      }
    }
  }
}
