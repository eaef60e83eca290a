import type { AuditStorage } from '../storage/types.js';

const DAY_MS = 86_400_000;
/** Pruning is cheap (an indexed range delete) and the period is days: once an hour is plenty. */
export const AUDIT_PRUNE_INTERVAL_MS = 60 * 60 * 1000;

/**
 * Keeps the security log to its retention period: events older than `retentionDays` are deleted at
 * start and then once an hour, by whichever instance runs (deleting twice is harmless).
 */
export class AuditRetention {
  private timer: ReturnType<typeof setInterval> | null = null;
  private running: Promise<number> | null = null;

  constructor(
    private readonly storage: Pick<AuditStorage, 'pruneAudit'>,
    private readonly retentionDays: number,
    private readonly now: () => number = Date.now,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  start(intervalMs = AUDIT_PRUNE_INTERVAL_MS): void {
    if (this.timer) return;
    void this.prune().catch(this.onError);
    this.timer = setInterval(() => void this.prune().catch(this.onError), intervalMs);
    this.timer.unref();
  }

  /** Deletes what is past the period now; concurrent calls share one run. Returns how many went. */
  prune(): Promise<number> {
    this.running ??= this.storage
      .pruneAudit(new Date(this.now() - this.retentionDays * DAY_MS).toISOString())
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  /** Stops the timer and waits for a run in progress, so the storage can close after it. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }
}
