/**
 * Remembers signature nonces for as long as a signature could still be accepted (the ±300 s window, so
 * 600 s), which turns any replay of a captured request into a 401. The in-process implementation is
 * enough for one instance; several instances share a Redis implementation of the same interface.
 */
export interface NonceCache {
  /** True when `key` was new (and is now remembered); false when it was already seen: a replay. */
  remember(key: string, ttlMs: number): Promise<boolean>;
}

export class MemoryNonceCache implements NonceCache {
  private readonly seen = new Map<string, number>();
  private lastSweep = 0;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxEntries = 1_000_000,
  ) {}

  async remember(key: string, ttlMs: number): Promise<boolean> {
    const now = this.now();
    this.sweep(now);
    const expires = this.seen.get(key);
    if (expires !== undefined && expires > now) return false;
    if (this.seen.size >= this.maxEntries) this.sweep(now, true);
    this.seen.set(key, now + ttlMs);
    return true;
  }

  private sweep(now: number, force = false) {
    if (!force && now - this.lastSweep < 10_000) return;
    this.lastSweep = now;
    for (const [key, expires] of this.seen) if (expires <= now) this.seen.delete(key);
  }
}
