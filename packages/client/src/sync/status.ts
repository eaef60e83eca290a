import { DEFAULT_MAX_DRIFT_MS } from '@kakeibo/core';
import type { ClockWarning, SyncStatus } from '../events.js';
import type { SyncResult } from './engine.js';

/** A clock this far off (either way) is worth telling the person; the Date header is good to a second. */
export const CLOCK_WARNING_MS = 60_000;

/** Codes after which the device must sign in again (the transport knows them: isSessionEnded). */
type IsSessionEnded = (code: string) => boolean;

/**
 * The sync status a person sees, as one small state machine: each event of the device's life (a
 * round starting, ending, failing; signing in or out; counts changing; the transport; the clock)
 * moves it by one rule written here, and every change is announced through `emit`.
 */
export class SyncStatusMachine {
  private current: SyncStatus;

  constructor(
    signedIn: boolean,
    private readonly emit: (status: SyncStatus) => void,
    private readonly isSessionEnded: IsSessionEnded,
  ) {
    this.current = {
      online: true,
      syncing: false,
      signedIn,
      pendingOps: 0,
      rejectedOps: 0,
      lastSyncedAt: null,
      lastError: null,
      lastRepair: null,
      transport: 'off',
      clock: null,
    };
  }

  get(): SyncStatus {
    return { ...this.current };
  }

  roundStarted(): void {
    this.set({ syncing: true });
  }

  /** A clean round: online, no error; a repair is remembered with its time. */
  roundSucceeded(result: SyncResult, at: string): void {
    this.set({
      online: true,
      syncing: false,
      lastError: null,
      lastSyncedAt: at,
      ...(result.repaired && { lastRepair: { buckets: result.repaired, at } }),
    });
  }

  /** A failed round says why; only an unreachable server means offline, an ended session signed out. */
  roundFailed(failure: { code: string; message: string }): void {
    this.set({
      syncing: false,
      online: failure.code !== 'network.unreachable',
      lastError: failure,
      ...(this.isSessionEnded(failure.code) && { signedIn: false }),
    });
  }

  /** Background sync skipped a round because the platform says it has no network. */
  offline(): void {
    this.set({ online: false });
  }

  signedIn(): void {
    this.set({ signedIn: true, lastError: null });
  }

  /** Signed out: by the person (no error), or by the server (the reason why). */
  signedOut(failure?: { code: string; message: string }): void {
    this.set({ signedIn: false, ...(failure && { lastError: failure }) });
  }

  counts(counts: Partial<Pick<SyncStatus, 'pendingOps' | 'rejectedOps'>>): void {
    this.set(counts);
  }

  transport(transport: SyncStatus['transport']): void {
    this.set({ transport });
  }

  /** Every measurement of the clock against the server's: a warning past CLOCK_WARNING_MS, else none. */
  clockOffset(aheadMs: number): void {
    const warning = clockWarning(aheadMs);
    const before = this.current.clock;
    // Announce only what a person would see change: the warning appearing, going or its words.
    if (before?.message === warning?.message) return;
    this.set({ clock: warning });
  }

  private set(patch: Partial<SyncStatus>): void {
    this.current = { ...this.current, ...patch };
    this.emit(this.get());
  }
}

/** The warning for a clock `aheadMs` ahead of the server's (negative: behind), or null if close enough. */
export function clockWarning(aheadMs: number): ClockWarning | null {
  if (Math.abs(aheadMs) < CLOCK_WARNING_MS) return null;
  const way = aheadMs > 0 ? 'ahead' : 'behind';
  let message = `This device's clock is ${spanInWords(Math.abs(aheadMs))} ${way}: check its date and time.`;
  // The server refuses changes stamped that far ahead of its own clock; they wait on the device.
  if (aheadMs > DEFAULT_MAX_DRIFT_MS) message += ' Until then, changes made here cannot sync.';
  return { aheadMs, message };
}

/** 7 minutes, 3 hours, 2 days: the unit a person would say, rounded. */
function spanInWords(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 90) return plural(minutes, 'minute');
  const hours = Math.round(ms / 3_600_000);
  if (hours < 36) return plural(hours, 'hour');
  return plural(Math.round(ms / 86_400_000), 'day');
}

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
