import type { NonceStorage } from '../storage/types.js';

/**
 * Remembers signature nonces for as long as a signature could still be accepted (the ±300 s window, so
 * 600 s), which turns any replay of a captured request into a 401, also after a restart: without Redis
 * they are kept in the storage (StorageNonceCache), with Redis there (RedisShared). MemoryNonceCache
 * alone forgets them with the process: for tests and as the storage cache's front.
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

/**
 * Nonces kept in the storage, so a replay is refused after the process restarted too: one atomic
 * statement per signed request. An in-process cache in front refuses the replays this process saw
 * without a round trip; expired rows are pruned at most once a minute.
 */
export class StorageNonceCache implements NonceCache {
  private readonly seen: MemoryNonceCache;
  private lastPrune = 0;

  constructor(
    private readonly storage: NonceStorage,
    private readonly now: () => number = Date.now,
  ) {
    this.seen = new MemoryNonceCache(now, 100_000);
  }

  async remember(key: string, ttlMs: number): Promise<boolean> {
    if (!(await this.seen.remember(key, ttlMs))) return false;
    const now = this.now();
    if (now - this.lastPrune >= 60_000) {
      this.lastPrune = now;
      await this.storage.pruneNonces(now);
    }
    return this.storage.rememberNonce(key, now + ttlMs, now);
  }
}
