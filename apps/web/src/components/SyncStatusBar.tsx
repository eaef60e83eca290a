import type { SyncStatus } from '@kakeibo/client/browser';
import { useEffect, useState } from 'react';
import { useStatus } from '../app/kakeibo.js';
import { locale } from '../app/preferences.js';
import { relativeTime } from '../lib/dates.js';

/**
 * The sync state in plain words, always on screen: offline, syncing, N changes waiting, last synced,
 * or what went wrong, and a device clock that is off. A polite live region, so screen readers hear it change without being interrupted.
 * When the server speaks a newer protocol than this copy of the app, it says so and offers the reload
 * that brings the new version (sync cannot succeed before; the changes wait on the device meanwhile).
 */
export function SyncStatusBar() {
  const status = useStatus();
  const network = useNetwork();
  const [, rerender] = useState(0);
  // "2 minutes ago" must keep moving even when nothing else changes.
  useEffect(() => {
    const timer = setInterval(() => rerender((n) => n + 1), 30_000);
    return () => clearInterval(timer);
  }, []);
  const { tone, text, action } = describeStatus(status, locale(), Date.now(), network);
  return (
    <output className={`sync sync-${tone}`} aria-live="polite" data-testid="sync-status">
      <span className="sync-dot" aria-hidden="true" />
      {text}
      {action === 'update' && (
        <button type="button" className="link-button" onClick={() => void reloadToUpdate()}>
          Reload
        </button>
      )}
    </output>
  );
}

/**
 * Whether the browser has a network at all (navigator.onLine and its events): said at once when it
 * goes, instead of "All changes synced" until the next round happens to fail.
 */
function useNetwork(): boolean {
  const [up, setUp] = useState(() => navigator.onLine);
  useEffect(() => {
    const update = () => setUp(navigator.onLine);
    window.addEventListener('online', update);
    window.addEventListener('offline', update);
    return () => {
      window.removeEventListener('online', update);
      window.removeEventListener('offline', update);
    };
  }, []);
  return up;
}

/** How long a reload waits for a newer service worker to take over before reloading anyway. */
const UPDATE_WAIT_MS = 5_000;

/**
 * Fetches the app's service worker again and reloads once a newer one controls the page (it takes over
 * as soon as it is installed: registerType 'autoUpdate'), so the reload gets the new version rather
 * than the cached old one; with no worker (or none newer) it simply reloads.
 */
async function reloadToUpdate(): Promise<void> {
  const registration = await navigator.serviceWorker?.getRegistration().catch(() => undefined);
  if (registration) {
    const replaced = new Promise<void>((resolve) => {
      navigator.serviceWorker.addEventListener('controllerchange', () => resolve(), { once: true });
      setTimeout(resolve, UPDATE_WAIT_MS);
    });
    await registration.update().catch(() => undefined);
    if (registration.installing || registration.waiting) await replaced;
  }
  location.reload();
}

/**
 * `network`: whether the device has a network. Without one the bar says Offline whatever the last
 * round said; with one, a server that cannot be reached is said as that, not as being offline.
 */
export function describeStatus(
  status: SyncStatus,
  lang: string,
  now: number = Date.now(),
  network = true,
): { tone: 'ok' | 'busy' | 'offline' | 'error'; text: string; action?: 'update' } {
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
  if (!network) return { tone: 'offline', text: join('Offline', waiting, refused) };
  if (!status.online) {
    return { tone: 'offline', text: join('Cannot reach the server, retrying', waiting, refused) };
  }
  // Said (with its Reload) even while a background retry runs: the retry is almost surely refused
  // the same way, and the button must not vanish under the person's finger every few seconds.
  if (status.lastError?.code === 'protocol.unsupported') {
    const kept = status.pendingOps > 0 ? `${waiting} on this device` : '';
    return {
      tone: 'error',
      text: join('A newer version of Kakeibo is needed to sync', kept),
      action: 'update',
    };
  }
  if (status.syncing) return { tone: 'busy', text: join('Syncing…', waiting, refused) };
  // A clock off by a minute or more is said in its own words; past the server's limit (it refuses
  // changes stamped that far ahead) it is why sync fails, and the words say that too.
  if (status.clock) {
    const blocking = status.lastError?.code === 'clock.drift';
    return { tone: blocking ? 'error' : 'busy', text: join(status.clock.message, waiting, refused) };
  }
  if (status.lastError)
    return { tone: 'error', text: join(`Sync failed: ${status.lastError.message}`, waiting, refused) };
  if (refused) return { tone: 'error', text: join(waiting, refused) };
  if (waiting) return { tone: 'busy', text: waiting };
  if (status.lastSyncedAt)
    return { tone: 'ok', text: `All changes synced · ${relativeTime(status.lastSyncedAt, lang, now)}` };
  return { tone: 'busy', text: 'Not synced yet' };
}
