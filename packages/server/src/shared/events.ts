/**
 * What server instances tell each other. In-process (one instance) or over Redis pub/sub (several):
 * the same interface, chosen at startup.
 */
export type ServerEvent =
  /** A ledger's log moved: its devices should pull. */
  | { kind: 'ledger'; ledgerId: string; head: number }
  /** Devices lost their session (revoked, signed out, account disabled): close their sockets. */
  | { kind: 'revoked'; ledgerId: string; deviceIds: string[]; code: string };

export interface Notifier {
  publish(event: ServerEvent): Promise<void>;
  /** Returns the unsubscribe function. */
  subscribe(handler: (event: ServerEvent) => void): () => void;
}

export class MemoryNotifier implements Notifier {
  private readonly handlers = new Set<(event: ServerEvent) => void>();

  async publish(event: ServerEvent): Promise<void> {
    for (const handler of this.handlers) handler(event);
  }

  subscribe(handler: (event: ServerEvent) => void): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }
}

/** A realtime ticket: which device may open a socket, for a few seconds, once. */
export interface TicketHolder {
  userId: string;
  ledgerId: string;
  deviceId: string;
}

export interface TicketStore {
  issue(ticket: string, holder: TicketHolder, ttlMs: number): Promise<void>;
  /** The holder, and the ticket is gone; null when unknown, used or expired. */
  consume(ticket: string): Promise<TicketHolder | null>;
}

export class MemoryTicketStore implements TicketStore {
  private readonly tickets = new Map<string, { holder: TicketHolder; expires: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  async issue(ticket: string, holder: TicketHolder, ttlMs: number): Promise<void> {
    const now = this.now();
    for (const [key, entry] of this.tickets) if (entry.expires <= now) this.tickets.delete(key);
    this.tickets.set(ticket, { holder, expires: now + ttlMs });
  }

  async consume(ticket: string): Promise<TicketHolder | null> {
    const entry = this.tickets.get(ticket);
    this.tickets.delete(ticket);
    return entry && entry.expires > this.now() ? entry.holder : null;
  }
}
