import {
  KakeiboError,
  REALTIME_CLOSE,
  REALTIME_SOCKET_PATH,
  type RealtimeMessage,
  RealtimeMessageSchema,
  type RealtimeTicket,
  ROUTES,
} from '@kakeibo/core';
import type { ApiClient } from '../transport/api-client.js';

/** What the channel needs of a WebSocket: the browser's and the `ws` package's both fit. */
export interface WebSocketLike {
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  close(code?: number): void;
}

export type WebSocketFactory = (url: string) => WebSocketLike;

export interface RealtimeOptions {
  api: ApiClient;
  serverUrl: string;
  connect: WebSocketFactory;
  /** The ledger moved (or the socket just opened): its head. */
  onNotice(head: number): void;
  /** The server ended this device's session. */
  onRevoked(code: string): void;
  onConnected(connected: boolean): void;
  random?: () => number;
}

const MIN_RETRY_MS = 1_000;
const MAX_RETRY_MS = 30_000;

/**
 * The socket that tells this device its ledger moved. It carries no data (changes always come over
 * the signed pull); it only makes the pull happen at once instead of at the next poll. It reconnects
 * with exponential backoff and full jitter, and stops for good when the session is revoked.
 */
export class RealtimeChannel {
  private socket: WebSocketLike | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private failures = 0;
  private active = false;

  constructor(private readonly options: RealtimeOptions) {}

  start(): void {
    if (this.active) return;
    this.active = true;
    void this.connect();
  }

  stop(): void {
    this.active = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const socket = this.socket;
    this.socket = null;
    socket?.close(1000);
  }

  private async connect(): Promise<void> {
    if (!this.active) return;
    let ticket: RealtimeTicket;
    try {
      ticket = await this.options.api.call(ROUTES.realtimeTicket);
    } catch (error) {
      if (error instanceof KakeiboError && error.code.startsWith('auth.')) return; // signed out: sync says why
      return this.retry();
    }
    if (!this.active) return;
    const url = `${this.options.serverUrl.replace(/^http/, 'ws')}${REALTIME_SOCKET_PATH}?ticket=${encodeURIComponent(ticket.ticket)}`;
    let socket: WebSocketLike;
    try {
      socket = this.options.connect(url);
    } catch {
      return this.retry();
    }
    this.socket = socket;
    socket.onmessage = (event) => this.receive(event.data);
    socket.onerror = () => {};
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.options.onConnected(false);
      if (event.code === REALTIME_CLOSE.revoked) {
        this.active = false;
        return;
      }
      this.retry();
    };
  }

  private receive(data: unknown) {
    let message: RealtimeMessage;
    try {
      message = RealtimeMessageSchema.parse(JSON.parse(String(data)));
    } catch {
      return; // an unknown notice from a newer server: ignore it, the next pull catches up anyway
    }
    if (message.type === 'hello') {
      this.failures = 0;
      this.options.onConnected(true);
    }
    if (message.type === 'revoked') this.options.onRevoked(message.code);
    else this.options.onNotice(message.head);
  }

  private retry() {
    if (!this.active) return;
    this.failures += 1;
    const ceiling = Math.min(MAX_RETRY_MS, MIN_RETRY_MS * 2 ** Math.min(this.failures - 1, 10));
    const delay = MIN_RETRY_MS / 2 + (this.options.random ?? Math.random)() * (ceiling - MIN_RETRY_MS / 2);
    this.timer = setTimeout(() => void this.connect(), delay);
    (this.timer as { unref?: () => void }).unref?.();
  }
}
