import { openKakeiboBrowser } from '@kakeibo/client/browser';
import { describeDevice } from './lib/device-name.js';
import { applyTheme, savedTheme } from './lib/theme.js';
import './styles.css';

applyTheme(savedTheme());

/**
 * Start-up does two slow things at once: the store worker opens (SQLite's WASM and OPFS take a few
 * hundred ms) while the screens' code (React and the UI, app/mount.tsx) loads as its own chunk. The
 * server is the origin that served the app. The SDK is also `window.kakeibo`, for people who script
 * their budget from the console.
 */
const screens = import('./app/mount.js');

async function start(options: { resetUnreadable?: boolean } = {}) {
  const opened = openKakeiboBrowser({
    serverUrl: location.origin,
    deviceName: describeDevice(),
    ...options,
  }).then(
    (kb) => ({ kb }),
    (error: unknown) => ({ error }),
  );
  const [{ mountApp, mountFailure }, result] = await Promise.all([screens, opened]);
  if ('error' in result) {
    mountFailure(result.error, () => void start({ resetUnreadable: true }));
    return;
  }
  const { kb } = result;
  Object.assign(window, { kakeibo: kb });
  if (kb.status().signedIn) kb.startSync();
  window.addEventListener('pagehide', () => void kb.close());
  mountApp(kb);
}

void start();
