import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

/**
 * The Kakeibo PWA. The service worker precaches the whole app shell (HTML, JS, CSS, icons and SQLite's
 * WASM), so the app starts with no network at all; the data lives in the local store, not in any cache.
 * Page paths fall back to index.html (the app routes in the browser); /v1 and /healthz are the
 * server's and never answered by the worker.
 */
export default defineConfig({
  logLevel: 'warn',
  plugins: [
    react(),
    VitePWA({
      registerType: 'autoUpdate',
      // A registerSW.js file rather than an inline script: the server's CSP allows no inline scripts.
      injectRegister: 'script',
      includeAssets: ['icon.svg'],
      manifest: {
        name: 'Kakeibo',
        short_name: 'Kakeibo',
        description: 'Your budget, on your devices: expenses, income, budgets and belongings, offline first.',
        lang: 'en',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        orientation: 'portrait',
        background_color: '#f6f5f2',
        theme_color: '#2f6f5e',
        icons: [
          { src: '/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: '/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
          { src: '/icon.svg', sizes: 'any', type: 'image/svg+xml' },
        ],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,svg,png,wasm,webmanifest}'],
        // SQLite's WASM is about 1 MB.
        maximumFileSizeToCacheInBytes: 8 * 1024 * 1024,
        navigateFallback: '/index.html',
        navigateFallbackDenylist: [/^\/v1(\/|$)/, /^\/healthz/],
        cleanupOutdatedCaches: true,
        clientsClaim: true,
        skipWaiting: true,
      },
    }),
  ],
  // The store worker is an ES module worker (it imports SQLite WASM's ES module).
  worker: { format: 'es' },
  // SQLite WASM finds its .wasm beside its module; pre-bundling would break that in dev mode.
  optimizeDeps: { exclude: ['@sqlite.org/sqlite-wasm'] },
  build: {
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      onwarn(warning, warn) {
        // zod's sources carry comments Rollup cannot place; harmless, and not ours to fix.
        if (warning.code === 'INVALID_ANNOTATION' && warning.id?.includes('node_modules')) return;
        warn(warning);
      },
    },
  },
  server: {
    // `npm run dev -w @kakeibo/web` next to `kakeibo serve` on :8080.
    proxy: { '/v1': { target: 'http://127.0.0.1:8080', ws: true }, '/healthz': 'http://127.0.0.1:8080' },
  },
});
