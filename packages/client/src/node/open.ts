import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import WebSocket from 'ws';
import { Kakeibo } from '../kakeibo.js';
import { sqliteLocalStore } from '../store/local-store.js';
import type { WebSocketLike } from '../sync/realtime.js';
import { openNodeDriver } from './driver.js';
import { loadLocalKey } from './key-storage.js';

export interface OpenKakeiboOptions {
  serverUrl: string;
  /** Where the local database lives. */
  dataDir: string;
  deviceName: string;
  platform?: string;
  /** A person's secret: the local key is stored wrapped by it. Without it, see keyFile. */
  secret?: string;
  /** Without a secret: the raw local key file, outside dataDir (default under ~/.config/kakeibo/keys). */
  keyFile?: string;
  fetch?: typeof fetch;
  now?: () => number;
  syncIntervalMs?: number;
  /** Compress on the wire (default: yes, unless the server is on this machine; see ApiClientOptions). */
  compression?: boolean;
}

/** Opens the Kakeibo client in Node: an encrypted local SQLite store inside dataDir. */
export async function openKakeibo(options: OpenKakeiboOptions): Promise<Kakeibo> {
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const key = await loadLocalKey({
    dataDir,
    ...(options.secret !== undefined && { secret: options.secret }),
    ...(options.keyFile && { keyFile: options.keyFile }),
  });
  const driver = await openNodeDriver({ file: join(dataDir, 'kakeibo.db'), key });
  const { dataDir: _d, secret: _s, keyFile: _k, ...rest } = options;
  return Kakeibo.create({
    ...rest,
    compression: options.compression ?? !isLoopback(options.serverUrl),
    store: sqliteLocalStore(driver),
    // Node 20 has no global WebSocket: the `ws` package speaks the same protocol.
    webSocket: (url) => new WebSocket(url) as unknown as WebSocketLike,
  });
}

/** A server on this machine: localhost, 127.0.0.0/8 or ::1. */
export function isLoopback(serverUrl: string): boolean {
  const host = new URL(serverUrl).hostname;
  return host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
