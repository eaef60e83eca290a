/**
 * Counts events per key in fixed windows. The in-process implementation serves a single instance;
 * a shared (Redis) implementation of the same interface serves several.
 */
export interface RateLimiter {
  /** Adds one event to `key`'s current window and returns the count so far in it. */
  record(key: string, windowMs: number): Promise<{ count: number; resetAt: number }>;
  /** The count in `key`'s current window without adding to it. */
  peek(key: string): Promise<{ count: number; resetAt: number }>;
  /** Takes one event back from `key`'s current window (never below zero; nothing once it ended). */
  release(key: string): Promise<void>;
  reset(key: string): Promise<void>;
}

export class MemoryRateLimiter implements RateLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();
  private lastSweep = 0;

  constructor(private readonly now: () => number = Date.now) {}

  async record(key: string, windowMs: number) {
    const now = this.now();
    this.sweep(now);
    const current = this.windows.get(key);
    const window = current && current.resetAt > now ? current : { count: 0, resetAt: now + windowMs };
    window.count += 1;
    this.windows.set(key, window);
    return { ...window };
  }

  async peek(key: string) {
    const now = this.now();
    const current = this.windows.get(key);
    return current && current.resetAt > now ? { ...current } : { count: 0, resetAt: now };
  }

  async release(key: string) {
    const current = this.windows.get(key);
    if (current && current.resetAt > this.now() && current.count > 0) current.count -= 1;
  }

  async reset(key: string) {
    this.windows.delete(key);
  }

  /** Expired windows are dropped at most once a minute, so memory follows the active keys only. */
  private sweep(now: number) {
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key);
  }
}
