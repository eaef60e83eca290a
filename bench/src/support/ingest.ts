import { type Op, parseOp, uuidv7 } from '@kakeibo/core';
import type { Storage } from '@kakeibo/server';
import { type Baseline, type CaseOutcome, median, now, percentile } from '../case.js';
import { type ExpenseWriter, opBatches } from './workload.js';

export const INGEST_BATCHES = 100;
export const INGEST_BATCH_SIZE = 1000;
/** About one op in five edits a row written earlier; the rest create expenses. */
export const EDIT_SHARE = 0.2;

/** A user and their ledger, created straight in storage (no password hashing involved). */
export async function createLedger(storage: Storage, tag: string): Promise<string> {
  const ledgerId = uuidv7();
  await storage.createUser({
    id: uuidv7(),
    email: `bench.${tag}.${Date.now()}.${Math.random().toString(36).slice(2)}@example.com`,
    passwordHash: 'not-a-real-hash',
    ledgerId,
  });
  return ledgerId;
}

/** Batches of ops as the server hands them to storage: each one validated by core parseOp. */
export function validatedBatches(writer: ExpenseWriter, count: number, size: number): Op[][] {
  return opBatches(writer, count, size, EDIT_SHARE).map((batch) => batch.map((op) => parseOp(op)));
}

async function appendAll(storage: Storage, ledgerId: string, batches: readonly Op[][]): Promise<number[]> {
  const times: number[] = [];
  for (const batch of batches) {
    const started = now();
    const outcome = await storage.appendOps(ledgerId, batch);
    times.push(now() - started);
    const notApplied = outcome.results.filter((r) => r.status !== 'applied').length;
    if (notApplied > 0) throw new Error(`${notApplied} ops of a batch were not applied`);
  }
  return times;
}

/**
 * appendOps with `INGEST_BATCHES` batches of `INGEST_BATCH_SIZE` valid ops from one device into one
 * ledger, after a short warm-up on another ledger (a running server is warm). Ops are built and
 * validated before the clock starts: only storage is measured.
 */
export async function measureStorageIngest(
  storage: Storage,
  writer: ExpenseWriter,
  warmupWriter: ExpenseWriter,
  baseline: Baseline | null,
  targetOpsPerSecond: number,
  log: (line: string) => void,
): Promise<CaseOutcome> {
  const buildStarted = now();
  const built = opBatches(writer, INGEST_BATCHES, INGEST_BATCH_SIZE, EDIT_SHARE);
  const parseStarted = now();
  const batches = built.map((batch) => batch.map((op) => parseOp(op)));
  const parseMs = now() - parseStarted;
  const buildMs = parseStarted - buildStarted;
  const total = INGEST_BATCHES * INGEST_BATCH_SIZE;
  const rate = (ms: number) => Math.round(total / (ms / 1000)).toLocaleString('en-US');
  log(
    `  built ${total.toLocaleString('en-US')} ops in ${(buildMs / 1000).toFixed(1)} s, parseOp in ${(parseMs / 1000).toFixed(1)} s`,
  );

  await appendAll(
    storage,
    await createLedger(storage, 'warmup'),
    validatedBatches(warmupWriter, 3, INGEST_BATCH_SIZE),
  );

  const ledgerId = await createLedger(storage, 'ingest');
  const started = now();
  const times = await appendAll(storage, ledgerId, batches);
  const seconds = (now() - started) / 1000;
  const head = await storage.head(ledgerId);
  if (head !== total) throw new Error(`expected head ${total}, got ${head}`);

  const opsPerSecond = total / seconds;
  const firstTen = times.slice(0, 10).reduce((a, b) => a + b, 0);
  const lastTen = times.slice(-10).reduce((a, b) => a + b, 0);
  const perBatch = (ms: number) => (10 * INGEST_BATCH_SIZE) / (ms / 1000);
  return {
    metrics: [
      {
        metric: 'throughput',
        value: opsPerSecond,
        unit: 'ops/s',
        ...(baseline && {
          baseline: { value: baseline.rowsPerSecond, unit: 'rows/s' },
          ratio: opsPerSecond / baseline.rowsPerSecond,
        }),
        target: { of: 'value', min: targetOpsPerSecond },
      },
      { metric: 'batch of 1,000: median', value: median(times), unit: 'ms' },
      { metric: 'batch of 1,000: p95', value: percentile(times, 95), unit: 'ms' },
      {
        metric: 'last 10 batches vs first 10',
        value: perBatch(lastTen),
        unit: 'ops/s',
        baseline: { value: perBatch(firstTen), unit: 'ops/s' },
        ratio: perBatch(lastTen) / perBatch(firstTen),
      },
    ],
    notes: [
      `${INGEST_BATCHES} batches × ${INGEST_BATCH_SIZE} ops (${Math.round(EDIT_SHARE * 100)}% edits of earlier rows, the rest expense creates) from one device into one ledger, ${seconds.toFixed(2)} s in appendOps.`,
      `Not timed: building the ops (buildOp, as a client does) ran at ${rate(buildMs)} ops/s; core parseOp (what the push route runs on each op before appendOps) at ${rate(parseMs)} ops/s.`,
      'Ratio = ops/s ÷ the raw SQLCipher insert rate (rows/s) of the baseline; each op also writes the op log, the materialised row, and checksum buckets.',
    ],
  };
}
