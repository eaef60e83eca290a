import { createReadStream, statSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { connect } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.css': 'text/css',
};

const isApi = (url: string) => url.startsWith('/v1/') || url === '/healthz' || url.startsWith('/healthz?');

/**
 * The test page's origin: the built page from `root`, and the Kakeibo server under the same origin
 * (a plain reverse proxy for /v1/* and /healthz that passes method, path, headers — signatures
 * included — and body through unchanged, and WebSocket upgrades as raw bytes). The server sends no
 * CORS headers, so the page must reach it same-origin, as it would behind a real reverse proxy.
 */
export async function serveWithProxy(
  root: string,
  upstreamUrl: string,
): Promise<{ url: string; close(): Promise<void> }> {
  const upstream = new URL(upstreamUrl);
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (isApi(url)) {
      const forward = request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forward.on('error', () => res.destroy());
      req.pipe(forward);
      return;
    }
    const path = decodeURIComponent(new URL(url, 'http://page').pathname);
    const file = normalize(join(root, path === '/' ? 'index.html' : path));
    if (!file.startsWith(root + sep) || !statSync(file, { throwIfNoEntry: false })?.isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
    });
    createReadStream(file).pipe(res);
  });
  server.on('upgrade', (req, socket, head) => {
    const pipe = connect(Number(upstream.port), upstream.hostname, () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2)
        lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      pipe.write(`${lines.join('\r\n')}\r\n\r\n`);
      pipe.write(head);
      socket.pipe(pipe).pipe(socket);
    });
    pipe.on('error', () => socket.destroy());
    socket.on('error', () => pipe.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
