import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import { KakeiboError, ROUTES } from '@kakeibo/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * The app's Content-Security-Policy. The API keeps helmet's `default-src 'none'`; the app needs its own
 * scripts and workers, SQLite's WebAssembly ('wasm-unsafe-eval' allows compiling WASM, not eval),
 * inline style attributes (React's `style` props), and its own origin for fetch and WebSocket.
 */
const APP_CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Paths that belong to the server, never to the app (a typo under /v1 stays a JSON 404). */
const isServerPath = (url: string) =>
  url.startsWith('/v1/') || url === '/v1' || url.startsWith(ROUTES.health.path);

function setHeaders(res: { setHeader(name: string, value: string): unknown }, path: string) {
  res.setHeader('content-security-policy', APP_CSP);
  // Vite puts a content hash in every file name under assets/: those never change. The rest (the
  // page, the service worker, the manifest) must be revalidated, or an update would never arrive.
  const immutable = /[\\/]assets[\\/]/.test(path);
  res.setHeader('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
}

/**
 * Serves the built web app (apps/web's `dist`) at `/`: its files, and `index.html` for every other
 * page path a person may open or reload (see serveAppPage). Everything under /v1 and /healthz stays
 * the API's.
 */
export async function registerWebApp(app: FastifyInstance, webDir: string): Promise<void> {
  const root = resolve(webDir);
  if (!existsSync(join(root, 'index.html'))) {
    throw new KakeiboError(
      'config.web_dir',
      `No web app in ${root} (index.html is missing): build it with "npm run build", or leave the web directory unset to serve only the API.`,
    );
  }
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    wildcard: true,
    index: ['index.html'],
    // Our own cache headers (setHeaders), not the plugin's max-age=0.
    cacheControl: false,
    setHeaders,
  });
}

/**
 * For the not-found handler: answers a page request (a GET that accepts HTML, outside the API) with
 * the app's index.html, so a deep link or a reload on /transactions opens the app. Returns whether it did.
 */
export function serveAppPage(request: FastifyRequest, reply: FastifyReply): boolean {
  const wantsPage = request.method === 'GET' && (request.headers.accept ?? '').includes('text/html');
  if (!wantsPage || isServerPath(request.url)) return false;
  void reply.sendFile('index.html');
  return true;
}
