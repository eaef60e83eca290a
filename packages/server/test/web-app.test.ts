import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { startTestServer, type TestServer } from './support/index.js';

/** The server serves the built web app at `/` beside the API, with the app's own CSP and caching. */
describe('serving the web app', () => {
  let dir: string;
  let server: TestServer;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kakeibo-webdir-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Kakeibo</title><div id="root"></div>');
    writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log("app");');
    writeFileSync(join(dir, 'sw.js'), 'self.addEventListener("fetch", () => {});');
    server = await startTestServer('sqlite', { webDir: dir });
  });

  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves index.html at / with a CSP that allows the app and its WebAssembly, and no caching', async () => {
    const res = await fetch(`${server.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(await res.text()).toContain('<div id="root">');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/[^-]unsafe-eval/);
    expect(res.headers.get('cache-control')).toBe('no-cache');
  });

  it('serves hashed assets as immutable and the service worker as always revalidated', async () => {
    const asset = await fetch(`${server.url}/assets/index-abc123.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    const worker = await fetch(`${server.url}/sw.js`);
    expect(worker.status).toBe(200);
    expect(worker.headers.get('cache-control')).toBe('no-cache');
  });

  it('answers a page path (deep link, reload) with the app', async () => {
    const res = await fetch(`${server.url}/transactions`, { headers: { accept: 'text/html,*/*' } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<div id="root">');
  });

  it('keeps the API its own: unknown /v1 paths and missing files are problem+json 404s', async () => {
    const api = await fetch(`${server.url}/v1/nope`, { headers: { accept: 'text/html' } });
    expect(api.status).toBe(404);
    expect(api.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect((await api.json()).code).toBe('route.not_found');
    const asset = await fetch(`${server.url}/assets/missing.js`, { headers: { accept: '*/*' } });
    expect(asset.status).toBe(404);
    expect(asset.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect((await health.json()).status).toBe('ok');
    // The API keeps its strict policy.
    expect(health.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  it('refuses to start with a web directory that holds no app', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'kakeibo-empty-web-'));
    try {
      await expect(
        buildApp({ storage: server.storage, masterKey: randomBytes(32), webDir: empty }),
      ).rejects.toMatchObject({ code: 'config.web_dir' });
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
