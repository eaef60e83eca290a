import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Metric, Target } from './case.js';

/** The outcome of one case as reported: its metrics, or why it was skipped or failed to run. */
export interface CaseResult {
  name: string;
  summary: string;
  status: 'ok' | 'skipped' | 'error';
  /** Why it was skipped, or the error it crashed with. */
  reason?: string;
  durationMs: number;
  metrics: Metric[];
  notes: string[];
}

export interface Report {
  startedAt: string;
  finishedAt: string;
  environment: {
    node: string;
    platform: string;
    cpu: string;
    cores: number;
    memoryGiB: number;
    commit: string | null;
    /** 1, 5 and 15 minute load averages when the run started: other work on the machine skews results. */
    loadAverage: number[];
  };
  cases: CaseResult[];
}

export type Verdict = 'PASS' | 'FAIL' | '';

export function verdict(metric: Metric): Verdict {
  const target = metric.target;
  if (!target) return '';
  const subject = target.of === 'ratio' ? metric.ratio : metric.value;
  if (subject === undefined || !Number.isFinite(subject)) return 'FAIL';
  if (target.min !== undefined && subject < target.min) return 'FAIL';
  if (target.max !== undefined && subject > target.max) return 'FAIL';
  return 'PASS';
}

/** Thousands separators for big numbers, three significant digits for small ones. */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return '—';
  const abs = Math.abs(n);
  if (abs >= 100) return Math.round(n).toLocaleString('en-US');
  if (abs >= 10) return n.toFixed(1);
  if (abs === 0) return '0';
  return n.toPrecision(3);
}

function formatTarget(target: Target | undefined, unit: string): string {
  if (!target) return '';
  const u = target.of === 'ratio' ? '' : ` ${unit}`;
  const prefix = target.of === 'ratio' ? 'ratio ' : '';
  if (target.min !== undefined && target.max !== undefined) {
    return `${prefix}${formatNumber(target.min)}–${formatNumber(target.max)}${u}`;
  }
  if (target.min !== undefined) return `${prefix}≥ ${formatNumber(target.min)}${u}`;
  if (target.max !== undefined) return `${prefix}≤ ${formatNumber(target.max)}${u}`;
  return '';
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderTable(cases: readonly CaseResult[]): string {
  const lines = [
    '| case | metric | value | unit | baseline | ratio | target | pass/fail |',
    '| --- | --- | ---: | --- | ---: | ---: | --- | --- |',
  ];
  for (const result of cases) {
    if (result.status !== 'ok') {
      const label = result.status === 'skipped' ? 'SKIP' : 'ERROR';
      lines.push(
        `| ${result.name} | — | ${cell(`${result.status}: ${result.reason ?? ''}`)} | | | | | ${label} |`,
      );
      continue;
    }
    for (const m of result.metrics) {
      const baseline = m.baseline ? `${formatNumber(m.baseline.value)} ${m.baseline.unit}` : '';
      const ratio = m.ratio === undefined ? '' : formatNumber(m.ratio);
      lines.push(
        `| ${result.name} | ${cell(m.metric)} | ${formatNumber(m.value)} | ${m.unit} | ${baseline} | ${ratio} | ${formatTarget(m.target, m.unit)} | ${verdict(m)} |`,
      );
    }
  }
  return lines.join('\n');
}

export function renderMarkdown(report: Report): string {
  const env = report.environment;
  const out = [
    '# Kakeibo benchmarks',
    '',
    `Run ${report.startedAt} → ${report.finishedAt}; Node ${env.node} on ${env.platform}, ${env.cores} × ${env.cpu}, ` +
      `${env.memoryGiB} GiB RAM${env.commit ? `, commit ${env.commit}` : ''}; load average at start ${env.loadAverage.join(' / ')} ` +
      '(other work on the machine skews the numbers).',
    'Loopback only. Ratios compare with the baseline measured in this same run. Targets are from the brief ' +
      '("Performance budgets"); a FAIL informs, it does not fail the build.',
    '',
    renderTable(report.cases),
    '',
  ];
  const noted = report.cases.filter((c) => c.notes.length > 0 || c.status !== 'ok');
  if (noted.length > 0) {
    out.push('## Notes', '');
    for (const c of noted) {
      out.push(`### ${c.name}`, '', c.summary, '');
      if (c.status !== 'ok') out.push(`- ${c.status}: ${c.reason ?? ''}`);
      for (const note of c.notes) out.push(`- ${note}`);
      out.push(`- ran for ${(c.durationMs / 1000).toFixed(1)} s`, '');
    }
  }
  return out.join('\n');
}

export function environment(loadAverage: number[] = loadavg()): Report['environment'] {
  let commit: string | null = null;
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    commit = null;
  }
  return {
    node: process.versions.node,
    platform: `${process.platform}-${process.arch}`,
    cpu: cpus()[0]?.model.trim() ?? 'unknown CPU',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 1024 ** 3),
    commit,
    loadAverage: loadAverage.map((n) => Math.round(n * 100) / 100),
  };
}

/** Writes bench/results/latest.json and latest.md (the directory is git-ignored). */
export function writeResults(report: Report): { json: string; md: string } {
  const dir = fileURLToPath(new URL('../results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const json = `${dir}latest.json`;
  const md = `${dir}latest.md`;
  const withVerdicts = {
    ...report,
    cases: report.cases.map((c) => ({
      ...c,
      metrics: c.metrics.map((m) => ({ ...m, verdict: verdict(m) || null })),
    })),
  };
  writeFileSync(json, `${JSON.stringify(withVerdicts, null, 2)}\n`);
  writeFileSync(md, renderMarkdown(report));
  return { json, md };
}
