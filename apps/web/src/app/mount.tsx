import type { Kakeibo } from '@kakeibo/client/browser';
import { StrictMode } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { App } from './App.js';
import { KakeiboProvider } from './kakeibo.js';

/**
 * The screens, as a chunk of their own (React and the whole UI): main.tsx loads it while the local
 * store opens, so neither waits for the other.
 */
let root: Root | null = null;
const theRoot = () => {
  root ??= createRoot(document.getElementById('root') as HTMLElement);
  return root;
};

export function mountApp(kb: Kakeibo): void {
  theRoot().render(
    <StrictMode>
      <KakeiboProvider kb={kb}>
        <App />
      </KakeiboProvider>
    </StrictMode>,
  );
}

/**
 * The store did not open. When its data is there but its key is gone (site data partly cleared),
 * only starting over helps, and that is the person's choice: unsynced changes on this device go with it.
 */
export function mountFailure(error: unknown, resetUnreadable: () => void): void {
  const { message, code } = error as Error & { code?: string };
  theRoot().render(
    <main className="fatal" role="alert">
      <h1>Kakeibo could not open your data</h1>
      <p>{message}</p>
      <button type="button" onClick={() => location.reload()}>
        Try again
      </button>
      {code === 'store.key_missing' && (
        <button type="button" className="danger" onClick={resetUnreadable}>
          Reset this device's data and download it again
        </button>
      )}
    </main>,
  );
}
