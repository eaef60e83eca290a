import type { SyncStatus } from '@kakeibo/client/browser';
import { useEffect, useState } from 'react';
import { useStatus } from '../app/kakeibo.js';
import { locale } from '../app/preferences.js';
import { relativeTime } from '../lib/dates.js';

/**
 * The sync state in plain words, always on screen: offline, syncing, N changes waiting, last synced,
 * or what went wrong. A polite live region, so screen readers hear it change without being interrupted.
 */
export function SyncStatusBar() {
  const status = useStatus();
  const [, rerender] = useState(0);
  // "2 minutes ago" must keep moving even when nothing else changes.
  useEffect(() => {
    const timer = setInterval(() => rerender((n) => n + 1), 30_000);
    return () => clearInterval(timer);
  }, []);
  const { tone, text } = describeStatus(status, locale());
  return (
    <output className={`sync sync-${tone}`} aria-live="polite" data-testid="sync-status">
      <span className="sync-dot" aria-hidden="true" />
      {text}
    </output>
  );
}

export function describeStatus(
  status: SyncStatus,
  lang: string,
  now: number = Date.now(),
): { tone: 'ok' | 'busy' | 'offline' | 'error'; text: string } {
  const waiting =
    status.pendingOps === 0
      ? ''
      : status.pendingOps === 1
        ? '1 change waiting'
        : `${status.pendingOps.toLocaleString(lang)} changes waiting`;
  // Changes the server refused for good stay on the device until the person looks (Settings).
  const refused =
    status.rejectedOps === 0 ? '' : `${status.rejectedOps.toLocaleString(lang)} refused, see Settings`;
  const join = (...parts: string[]) => parts.filter(Boolean).join(' · ');
  if (!status.online) return { tone: 'offline', text: join('Offline', waiting, refused) };
  if (status.syncing) return { tone: 'busy', text: join('Syncing…', waiting, refused) };
  if (status.lastError)
    return { tone: 'error', text: join(`Sync failed: ${status.lastError.message}`, waiting, refused) };
  if (refused) return { tone: 'error', text: join(waiting, refused) };
  if (waiting) return { tone: 'busy', text: waiting };
  if (status.lastSyncedAt)
    return { tone: 'ok', text: `All changes synced · ${relativeTime(status.lastSyncedAt, lang, now)}` };
  return { tone: 'busy', text: 'Not synced yet' };
}
