import { REALTIME_CLOSE, REALTIME_HEARTBEAT_MS, type RealtimeMessage } from '@kakeibo/core';
import type { Notifier, ServerEvent } from '../shared/events.js';
import type { Storage } from '../storage/types.js';

/** The part of a WebSocket the hub uses (the `ws` package's socket fits). */
export interface HubSocket {
  send(data: string, callback?: (error?: Error) => void): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
  ping(): void;
  on(event: 'pong' | 'close', listener: () => void): unknown;
}

interface Connection {
  socket: HubSocket;
  ledgerId: string;
  deviceId: string;
  alive: boolean;
  /** A message is on its way; later notices wait in `pending` (only the newest head matters). */
  sending: boolean;
  pending: RealtimeMessage | null;
}

export interface HubOptions {
  storage: Storage;
  notifier: Notifier;
  heartbeatMs?: number;
}

/**
 * Every open realtime socket of this instance, indexed by ledger. Notices from any instance (through
 * the Notifier) reach the sockets of their ledger. Per socket at most one message is in flight and
 * one more pending, replaced by newer notices: a slow device gets fewer, fresher notices and never
 * holds up the others. One timer for all sockets: heartbeats, and a check that each device is still
 * active (so a revocation nobody announced, e.g. from the CLI on the embedded database, still closes
 * its socket within one heartbeat).
 */
export class RealtimeHub {
  private readonly byLedger = new Map<string, Set<Connection>>();
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly unsubscribe: () => void;

  constructor(private readonly options: HubOptions) {
    this.unsubscribe = options.notifier.subscribe((event) => this.onEvent(event));
    this.timer = setInterval(() => void this.heartbeat(), options.heartbeatMs ?? REALTIME_HEARTBEAT_MS);
    this.timer.unref();
  }

  get size(): number {
    let n = 0;
    for (const set of this.byLedger.values()) n += set.size;
    return n;
  }

  add(socket: HubSocket, ledgerId: string, deviceId: string, head: number): void {
    const connection: Connection = { socket, ledgerId, deviceId, alive: true, sending: false, pending: null };
    let set = this.byLedger.get(ledgerId);
    if (!set) {
      set = new Set();
      this.byLedger.set(ledgerId, set);
    }
    set.add(connection);
    socket.on('pong', () => {
      connection.alive = true;
    });
    socket.on('close', () => this.remove(connection));
    this.send(connection, { type: 'hello', head });
  }

  /** Closes every socket (server shutdown): devices reconnect to another instance. */
  close(): void {
    clearInterval(this.timer);
    this.unsubscribe();
    for (const set of this.byLedger.values()) {
      for (const connection of set) connection.socket.close(REALTIME_CLOSE.goingAway, 'server shutting down');
    }
    this.byLedger.clear();
  }

  private remove(connection: Connection) {
    const set = this.byLedger.get(connection.ledgerId);
    set?.delete(connection);
    if (set?.size === 0) this.byLedger.delete(connection.ledgerId);
  }

  private onEvent(event: ServerEvent) {
    const set = this.byLedger.get(event.ledgerId);
    if (!set) return;
    for (const connection of set) {
      if (event.kind === 'ledger') this.send(connection, { type: 'ledger', head: event.head });
      else if (event.deviceIds.includes(connection.deviceId)) this.revoke(connection, event.code);
    }
  }

  private revoke(connection: Connection, code: string) {
    this.remove(connection);
    connection.pending = null;
    try {
      connection.socket.send(JSON.stringify({ type: 'revoked', code } satisfies RealtimeMessage), () =>
        connection.socket.close(REALTIME_CLOSE.revoked, 'session ended'),
      );
    } catch {
      connection.socket.terminate();
    }
  }

  private send(connection: Connection, message: RealtimeMessage) {
    if (connection.sending) {
      // Coalesce: a newer head replaces an older one that has not gone out yet.
      const pending = connection.pending;
      if (!pending || !('head' in pending) || !('head' in message) || message.head >= pending.head) {
        connection.pending = message;
      }
      return;
    }
    connection.sending = true;
    try {
      connection.socket.send(JSON.stringify(message), (error) => {
        connection.sending = false;
        if (error) return;
        const next = connection.pending;
        connection.pending = null;
        if (next) this.send(connection, next);
      });
    } catch {
      connection.sending = false;
    }
  }

  private async heartbeat() {
    const all = [...this.byLedger.values()].flatMap((set) => [...set]);
    for (const connection of all) {
      if (!connection.alive) {
        this.remove(connection);
        connection.socket.terminate();
        continue;
      }
      connection.alive = false;
      try {
        connection.socket.ping();
      } catch {
        // The socket is going away; its close event removes it.
      }
    }
    for (const connection of all) {
      const device = await this.options.storage
        .findDevice(connection.ledgerId, connection.deviceId)
        .catch(() => undefined);
      if (device === null || device?.revokedAt) this.revoke(connection, 'auth.device_revoked');
    }
  }
}
