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
  /** 1 while open (2 closing, 3 closed), as in the WebSocket API. */
  readonly readyState?: number;
}

interface Connection {
  socket: HubSocket;
  ledgerId: string;
  deviceId: string;
  /** Unix ms the socket was opened: sessions of its device ended after this close it. */
  openedAt: number;
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
  private sweeping = false;

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

  /**
   * Indexes a socket at once, so no notice or revocation published while its device is being checked
   * is missed, and says hello once `start` gives the ledger's head (null: the device is no longer
   * active, close with 4003). Notices that arrive before the hello wait, coalesced, behind it.
   */
  async add(
    socket: HubSocket,
    ledgerId: string,
    deviceId: string,
    start: () => Promise<number | null>,
  ): Promise<void> {
    // `sending` holds every notice back (in `pending`) until the hello has gone out.
    const connection: Connection = {
      socket,
      ledgerId,
      deviceId,
      openedAt: Date.now(),
      alive: true,
      sending: true,
      pending: null,
    };
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
    let head: number | null;
    try {
      head = await start();
    } catch (error) {
      this.remove(connection);
      throw error;
    }
    // Revoked or shut down meanwhile: the socket is already on its way out.
    if (!this.byLedger.get(ledgerId)?.has(connection)) return;
    // Closed by the device before its close listener was in place: nothing will remove it later.
    if (socket.readyState !== undefined && socket.readyState > 1) {
      this.remove(connection);
      return;
    }
    if (head === null) {
      this.remove(connection);
      socket.close(REALTIME_CLOSE.revoked, 'session ended');
      return;
    }
    const waiting = connection.pending;
    connection.sending = false;
    connection.pending = null;
    this.send(connection, { type: 'hello', head });
    if (waiting && 'head' in waiting && waiting.head > head) this.send(connection, waiting);
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
    // A device check slower than the interval (a busy database) must not pile up sweeps.
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      const live: Connection[] = [];
      for (const set of this.byLedger.values()) {
        for (const connection of set) {
          if (!connection.alive) {
            this.remove(connection);
            connection.socket.terminate();
            continue;
          }
          connection.alive = false;
          live.push(connection);
          try {
            connection.socket.ping();
          } catch {
            // The socket is going away; its close event removes it.
          }
        }
      }
      for (const connection of live) {
        if (!this.byLedger.get(connection.ledgerId)?.has(connection)) continue;
        const device = await this.options.storage
          .findDevice(connection.ledgerId, connection.deviceId)
          .catch(() => undefined);
        if (device === null || device?.revokedAt) this.revoke(connection, 'auth.device_revoked');
        else if (device?.sessionsEndedAt && Date.parse(device.sessionsEndedAt) >= connection.openedAt) {
          this.revoke(connection, 'auth.session_revoked');
        }
      }
    } finally {
      this.sweeping = false;
    }
  }
}
