import { CHECKSUM_VERSION, KakeiboError } from '@kakeibo/core';
import type { BackupAccount } from '../storage/index.js';
import type { Manifest } from './format.js';

/**
 * What a restore reads and how it places things in time (decided before anything is written).
 *
 * Ops are placed by when the server received them (`op_log.received_at`, the server's own clock;
 * device stamps are not used, since a device's clock may be anywhere within the drift bound, or
 * hours behind if it was offline). The state "as of" a moment T is each ledger's log up to the
 * last op received at or before T: the longest prefix of the log received by then, which is a
 * state the server really had. The backup read is the first taken at or after T (its ops reach
 * past T); its accounts are taken as they were then, less what was created after T.
 */

export interface RestoreTarget {
  /** The backup whose accounts are restored and whose chain holds the ops. */
  backup: Manifest;
  /** The moment ops are cut at, or null for the whole of `backup`. */
  cut: string | null;
}

export function chooseBackup(
  all: readonly Manifest[],
  wanted: { backupId?: string | undefined; at?: string | undefined },
): RestoreTarget {
  const latest = all.at(-1);
  if (!latest) throw new KakeiboError('backup.none', 'there is no backup there');
  if (wanted.backupId !== undefined) {
    const backup = all.find((m) => m.backupId === wanted.backupId);
    if (!backup) throw new KakeiboError('backup.unknown', `there is no backup ${wanted.backupId} there`);
    return { backup, cut: null };
  }
  if (wanted.at === undefined) return { backup: latest, cut: null };
  const at = new Date(wanted.at).toISOString();
  const backup = all.find((m) => m.takenAt >= at);
  // No backup was taken after that moment: the newest one is the closest state there is.
  return backup ? { backup, cut: at } : { backup: latest, cut: null };
}

/** An account as it was at `cut`: nothing created after it, and later revocations or rotations undone. */
export function accountAt(account: BackupAccount, cut: string | null): BackupAccount | null {
  if (cut === null) return account;
  if (account.user.createdAt > cut) return null;
  const by = (time: string | null) => (time !== null && time <= cut ? time : null);
  return {
    user: { ...account.user, disabledAt: by(account.user.disabledAt) },
    ledger: account.ledger,
    devices: account.devices
      .filter((d) => d.createdAt <= cut)
      .map((d) => ({
        ...d,
        lastSeenAt: d.lastSeenAt <= cut ? d.lastSeenAt : cut,
        revokedAt: by(d.revokedAt),
        sessionsEndedAt: by(d.sessionsEndedAt),
      })),
    refreshTokens: account.refreshTokens
      .filter((t) => t.createdAt <= cut)
      .map((t) => ({
        ...t,
        rotatedAt: by(t.rotatedAt),
        successorHash: by(t.rotatedAt) === null ? null : t.successorHash,
        revokedAt: by(t.revokedAt),
      })),
    audit: account.audit.filter((e) => e.at <= cut),
  };
}

/** How one ledger is restored. */
export interface LedgerPlan {
  id: string;
  /**
   * `direct`: the full backup's rows, log and conflicts are written as they are, later ops
   * replayed. `replay`: every op is applied again from the start of the log (the cut lies inside
   * the full backup's log, or the ledger began after it).
   */
  mode: 'direct' | 'replay';
  /** The checksum each backup of the chain recorded, by the head it recorded it at. */
  recorded: Map<number, { checksum: string; backupId: string }>;
  /** Reached an op received after the cut: later ops are left out. */
  closed: boolean;
}

export function planLedgers(chain: readonly Manifest[], restored: ReadonlySet<string>, cut: string | null) {
  const full = chain[0];
  const target = chain.at(-1);
  const plans = new Map<string, LedgerPlan>();
  if (!full || !target) return plans;
  const inFull = new Map(full.ledgers.map((l) => [l.id, l]));
  for (const entry of target.ledgers) {
    if (!restored.has(entry.id)) continue;
    const first = inFull.get(entry.id);
    const cutInsideFull = cut !== null && first?.lastReceivedAt != null && first.lastReceivedAt > cut;
    plans.set(entry.id, {
      id: entry.id,
      mode: first && !cutInsideFull ? 'direct' : 'replay',
      recorded: new Map(),
      closed: false,
    });
  }
  // Checksums summed by another definition of core's field hash cannot be compared with this one's.
  for (const manifest of chain.filter((m) => m.checksumVersion === CHECKSUM_VERSION))
    for (const entry of manifest.ledgers)
      plans
        .get(entry.id)
        ?.recorded.set(entry.head, { checksum: entry.checksum, backupId: manifest.backupId });
  return plans;
}
