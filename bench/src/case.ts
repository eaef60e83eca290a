import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * What every benchmark case is: a name, a time bound, and a run that returns metrics. Targets are
 * the brief's ("Performance budgets"); a missed target is reported, never thrown.
 */

/** A bound on a metric's value or on its ratio to the baseline. */
export interface Target {
  of: 'value' | 'ratio';
  min?: number;
  max?: number;
}

export interface Metric {
  metric: string;
  value: number;
  unit: string;
  /** The same-run measurement this metric is compared with. */
  baseline?: { value: number; unit: string };
  /** value ÷ baseline (or the ratio the metric itself is about). */
  ratio?: number;
  target?: Target;
}

/** Measured by baseline-sqlite-insert and handed to every later case. */
export interface Baseline {
  rows: number;
  seconds: number;
  rowsPerSecond: number;
}

export interface CaseContext {
  baseline: Baseline | null;
  /** Progress lines (stderr, so stdout carries only the report). */
  log(line: string): void;
}

export interface CaseOutcome {
  metrics: Metric[];
  notes?: string[];
  /** Only the baseline case sets this. */
  baseline?: Baseline;
}

export interface BenchCase {
  name: string;
  /** One line for the report. */
  summary: string;
  /** The case is abandoned (and reported as an error) after this long. */
  timeoutMs: number;
  run(ctx: CaseContext): Promise<CaseOutcome>;
}

/** Thrown by a case that cannot run here (e.g. no PostgreSQL); reported as a skip, not a failure. */
export class SkipCase extends Error {}

export const now = () => performance.now();

export async function timed<T>(fn: () => Promise<T> | T): Promise<{ result: T; ms: number }> {
  const start = performance.now();
  const result = await fn();
  return { result, ms: performance.now() - start };
}

/** Nearest-rank percentile (p in 0..100) of unsorted samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}

export function median(samples: readonly number[]): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

const gcFunction: (() => void) | null = (() => {
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return null;
  }
})();

/** A full collection when the runtime allows it, so memory readings start from a settled heap. */
export function collectGarbage(): void {
  gcFunction?.();
}

/** Samples resident set size every few ms (and whenever `sample` is called) to find the peak. */
export class RssSampler {
  readonly start: number;
  private peak: number;
  private timer: NodeJS.Timeout;

  constructor(intervalMs = 5) {
    this.start = process.memoryUsage.rss();
    this.peak = this.start;
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  sample(): void {
    const rss = process.memoryUsage.rss();
    if (rss > this.peak) this.peak = rss;
  }

  /** Stops sampling; the peak rise over the starting RSS, in bytes. */
  stop(): { peakDeltaBytes: number; peakBytes: number; startBytes: number } {
    this.sample();
    clearInterval(this.timer);
    return { peakDeltaBytes: this.peak - this.start, peakBytes: this.peak, startBytes: this.start };
  }
}

export const MiB = 1024 * 1024;

const pendingCleanups = new Set<() => unknown>();

/**
 * Registers a cleanup (a temp dir, a database) to run even if its case is abandoned (timeout,
 * Ctrl-C). Returns a function that runs it now, once, and unregisters it.
 */
export function registerCleanup(cleanup: () => unknown): () => Promise<void> {
  let done = false;
  const run = async () => {
    if (done) return;
    done = true;
    pendingCleanups.delete(run);
    await cleanup();
  };
  pendingCleanups.add(run);
  return run;
}

/** Runs every cleanup still registered; failures are reported, not thrown. */
export async function runPendingCleanups(log: (line: string) => void): Promise<void> {
  for (const cleanup of [...pendingCleanups]) {
    try {
      await cleanup();
    } catch (error) {
      log(`cleanup failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

/** The `baseline` and `ratio` of a metric compared with the same-run baseline (nothing without one). */
export function versusBaseline(
  baseline: Baseline | null,
  of: 'seconds' | 'rowsPerSecond',
  value: number,
): Pick<Metric, 'baseline' | 'ratio'> {
  if (!baseline) return {};
  const unit = of === 'seconds' ? 's' : 'rows/s';
  return { baseline: { value: baseline[of], unit }, ratio: value / baseline[of] };
}
