import { openKakeiboBrowser } from '@kakeibo/client/browser';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.js';
import { KakeiboProvider } from './app/kakeibo.js';
import { applyTheme, savedTheme } from './app/preferences.js';
import { describeDevice } from './lib/device-name.js';
import './styles.css';

applyTheme(savedTheme());
const root = createRoot(document.getElementById('root') as HTMLElement);

/**
 * Opens the local store (SQLite WASM on OPFS in a worker) and the SDK, then renders. The server is the
 * origin that served the app. The SDK is also `window.kakeibo`, for people who script their budget
 * from the console.
 */
async function start(options: { resetUnreadable?: boolean } = {}) {
  try {
    const kb = await openKakeiboBrowser({
      serverUrl: location.origin,
      deviceName: describeDevice(),
      ...options,
    });
    Object.assign(window, { kakeibo: kb });
    if (kb.status().signedIn) kb.startSync();
    window.addEventListener('pagehide', () => void kb.close());
    root.render(
      <StrictMode>
        <KakeiboProvider kb={kb}>
          <App />
        </KakeiboProvider>
      </StrictMode>,
    );
  } catch (error) {
    const { message, code } = error as Error & { code?: string };
    // The data is there but its key is gone (site data partly cleared): only starting over helps,
    // and that is the person's choice, since unsynced changes on this device go with it.
    const unreadable = code === 'store.key_missing';
    root.render(
      <main className="fatal" role="alert">
        <h1>Kakeibo could not open your data</h1>
        <p>{message}</p>
        <button type="button" onClick={() => location.reload()}>
          Try again
        </button>
        {unreadable && (
          <button type="button" className="danger" onClick={() => void start({ resetUnreadable: true })}>
            Reset this device's data and download it again
          </button>
        )}
      </main>,
    );
  }
}

void start();
