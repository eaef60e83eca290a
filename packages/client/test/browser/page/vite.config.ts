import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The browser test page: the SDK from source (src/browser), its store worker and SQLite's WASM.
 * browser.test.ts builds it with Vite's JS API into a temp dir (overriding outDir).
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  logLevel: 'warn',
  // The store worker is an ES module worker (it imports SQLite WASM's ES module).
  worker: { format: 'es' },
  // SQLite WASM finds its .wasm beside its module; pre-bundling would break that in dev mode.
  optimizeDeps: { exclude: ['@sqlite.org/sqlite-wasm'] },
  build: {
    outDir: fileURLToPath(new URL('../dist', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // Readable output: the test scans the bundle for Node-only code.
    minify: false,
    sourcemap: false,
    reportCompressedSize: false,
    rollupOptions: {
      onwarn(warning, warn) {
        // zod's sources carry comments Rollup cannot place; harmless, and not ours to fix.
        if (warning.code === 'INVALID_ANNOTATION' && warning.id?.includes('node_modules')) return;
        warn(warning);
      },
    },
  },
});
