import { loadavg } from 'node:os';
import {
  type Baseline,
  type BenchCase,
  type CaseOutcome,
  collectGarbage,
  now,
  runPendingCleanups,
  SkipCase,
} from './case.js';
import { baselineSqliteInsert } from './cases/baseline-sqlite-insert.js';
import { bootstrapHttpSqlite } from './cases/bootstrap-http-sqlite.js';
import { clientBalances } from './cases/client-balances.js';
import { clientBootstrap } from './cases/client-bootstrap.js';
import { clientConvertedReport } from './cases/client-converted-report.js';
import { clientLocalEdit } from './cases/client-local-edit.js';
import { clientMonthlyReport } from './cases/client-monthly-report.js';
import { clientPageQuery } from './cases/client-page-query.js';
import { enumerationTiming } from './cases/enumeration-timing.js';
import { ingestHttpSqlite } from './cases/ingest-http-sqlite.js';
import { ingestPostgres } from './cases/ingest-postgres.js';
import { ingestSqlite } from './cases/ingest-sqlite.js';
import { realtime } from './cases/realtime.js';
import { webTransactionsFirstRender } from './cases/web-transactions-first-render.js';
import { type CaseResult, environment, type Report, renderTable, writeResults } from './report.js';

/**
 * `npm run bench [-- --only ingest,bootstrap] [-- --list]`
 *
 * Runs every case in order (the baseline always first: the others compare with it), prints a
 * Markdown table to stdout and writes bench/results/latest.{json,md}. Exits 0 whether targets are
 * met or not (benchmarks inform, they do not gate CI); exits 1 only when a case crashed.
 */
const CASES: readonly BenchCase[] = [
  baselineSqliteInsert,
  ingestSqlite,
  ingestPostgres,
  ingestHttpSqlite,
  bootstrapHttpSqlite,
  enumerationTiming,
  realtime,
  // The client SDK cases share one bootstrapped device, in this order (converted-report writes rates
  // to it; local-edit changes it and releases it, last). client-balances has a device of its own.
  clientBootstrap,
  clientPageQuery,
  clientMonthlyReport,
  clientConvertedReport,
  clientLocalEdit,
  clientBalances,
  // The web app in Chromium: its own server, browser and stores (builds the app with Vite first).
  webTransactionsFirstRender,
];

const log = (line: string) => process.stderr.write(`${line}\n`);

/** A mistake on the command line: reported as one line, not as a crash with a stack. */
class UsageError extends Error {}

function parseArgs(argv: readonly string[]): { only: string[]; list: boolean; help: boolean } {
  const only: string[] = [];
  let list = false;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--list') list = true;
    else if (arg === '--help' || arg === '-h') help = true;
    else if (arg === '--only') only.push(...(argv[++i] ?? '').split(','));
    else if (arg.startsWith('--only=')) only.push(...arg.slice('--only='.length).split(','));
    else
      throw new UsageError(
        `Unknown argument ${arg}. Usage: npm run bench [-- --only <name,...>] [-- --list]`,
      );
  }
  return { only: only.map((s) => s.trim()).filter(Boolean), list, help };
}

function select(only: readonly string[]): BenchCase[] {
  if (only.length === 0) return [...CASES];
  const chosen = CASES.filter(
    (c) => c === baselineSqliteInsert || only.some((word) => c.name.includes(word)),
  );
  if (chosen.length === 1 && !only.some((word) => baselineSqliteInsert.name.includes(word))) {
    throw new UsageError(`No case matches ${only.join(', ')}. Cases: ${CASES.map((c) => c.name).join(', ')}`);
  }
  return chosen;
}

function withTimeout<T>(promise: Promise<T>, ms: number, name: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${name} did not finish within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (args.help || args.list) {
    for (const c of CASES) log(`${c.name}\n    ${c.summary}`);
    return 0;
  }
  const cases = select(args.only);
  const startedAt = new Date().toISOString();
  const loadAtStart = loadavg();
  const results: CaseResult[] = [];
  let baseline: Baseline | null = null;
  let crashed = false;

  for (const benchCase of cases) {
    log(`▶ ${benchCase.name}`);
    collectGarbage();
    const started = now();
    const result: CaseResult = {
      name: benchCase.name,
      summary: benchCase.summary,
      status: 'ok',
      durationMs: 0,
      metrics: [],
      notes: [],
    };
    try {
      const outcome: CaseOutcome = await withTimeout(
        benchCase.run({ baseline, log }),
        benchCase.timeoutMs,
        benchCase.name,
      );
      result.metrics = outcome.metrics;
      result.notes = outcome.notes ?? [];
      if (outcome.baseline) baseline = outcome.baseline;
    } catch (error) {
      if (error instanceof SkipCase) {
        result.status = 'skipped';
        result.reason = error.message;
        log(`  skipped: ${error.message}`);
      } else {
        crashed = true;
        result.status = 'error';
        result.reason = error instanceof Error ? error.message : String(error);
        log(`  ERROR: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      }
    }
    // A case that timed out may still hold its temp dir or database: release them before going on.
    await runPendingCleanups(log);
    result.durationMs = now() - started;
    log(`  (${(result.durationMs / 1000).toFixed(1)} s)`);
    results.push(result);
  }

  const report: Report = {
    startedAt,
    finishedAt: new Date().toISOString(),
    environment: environment(loadAtStart),
    cases: results,
  };
  process.stdout.write(`${renderTable(results)}\n`);
  const written = writeResults(report);
  log(`\nWrote ${written.md} and ${written.json}`);
  return crashed ? 1 : 0;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`\n${signal}: removing temp dirs and benchmark databases…`);
    void runPendingCleanups(log).finally(() => process.exit(130));
  });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) log(error.message);
    else log(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
