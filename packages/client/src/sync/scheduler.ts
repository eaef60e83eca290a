/**
 * When background sync runs: soon after a local change (debounced), on an interval, when the network
 * comes back, and when told the ledger moved (realtime). Failures back off exponentially with full
 * jitter, so a fleet of devices that lost the server does not hammer it in step when it returns.
 */
export interface SchedulerOptions {
  run(): Promise<void>;
  /**
   * True while the platform knows there is no network (a browser's `navigator.onLine === false`):
   * background rounds are skipped then (no outbox read, no request doomed to fail, no backoff
   * growing while offline); `skipped` is told, and the next nudge (the `online` event) or interval
   * tries again. Without it, every round is tried.
   */
  offline?: () => boolean;
  skipped?: () => void;
  intervalMs?: number;
  debounceMs?: number;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  random?: () => number;
}

export class SyncScheduler {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private failures = 0;
  private active = false;

  private intervalMs: number;

  constructor(private readonly options: SchedulerOptions) {
    this.intervalMs = options.intervalMs ?? 30_000;
  }

  /** How long to wait between rounds when nothing triggers one (longer while a socket is connected). */
  setIntervalMs(ms: number): void {
    this.intervalMs = ms;
  }

  start(): void {
    if (this.active) return;
    this.active = true;
    this.schedule(0);
  }

  stop(): void {
    this.active = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Something happened that sync should see soon (a local write, a realtime notice, back online). */
  nudge(immediate = false): void {
    if (!this.active) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.schedule(immediate ? 0 : (this.options.debounceMs ?? 200));
  }

  /** The delay after `failures` failed rounds in a row: min(max, min × 2^n), fully jittered. */
  backoff(failures: number): number {
    const min = this.options.minBackoffMs ?? 1_000;
    const max = this.options.maxBackoffMs ?? 60_000;
    const ceiling = Math.min(max, min * 2 ** Math.min(failures - 1, 30));
    return Math.round(min / 2 + (this.options.random ?? Math.random)() * (ceiling - min / 2));
  }

  private schedule(delay: number) {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), delay);
    (this.timer as { unref?: () => void }).unref?.();
  }

  private async tick() {
    this.timer = null;
    if (!this.active) return;
    if (this.options.offline?.()) {
      this.options.skipped?.();
      this.schedule(this.intervalMs);
      return;
    }
    this.running = this.options.run();
    let ok = true;
    try {
      await this.running;
    } catch {
      ok = false;
    } finally {
      this.running = null;
    }
    if (!this.active) return;
    this.failures = ok ? 0 : this.failures + 1;
    if (!ok) this.schedule(this.backoff(this.failures));
    else if (this.again) this.schedule(0);
    else this.schedule(this.intervalMs);
    this.again = false;
  }
}
