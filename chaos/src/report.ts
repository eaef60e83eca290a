import type { ScenarioResult } from './support/rig.js';

const HEADER = [
  'scenario',
  'kills',
  'ops written',
  'acknowledged',
  'lost',
  'duplicated',
  'corrupted',
  'checksum ok',
  'bootstrap ok',
  'seconds',
];

/** Failed when anything was lost, duplicated or corrupted, or a checksum or a bootstrap failed. */
export function failed(result: ScenarioResult): boolean {
  const { check } = result;
  return (
    check.lost > 0 || check.duplicated > 0 || check.corrupted > 0 || !result.checksumOk || !result.bootstrapOk
  );
}

/** The final table, as Markdown (it goes into the README as printed). */
export function table(results: readonly ScenarioResult[]): string {
  const rows = results.map((r) => [
    r.scenario,
    String(r.kills),
    String(r.check.written),
    String(r.check.acknowledged),
    String(r.check.lost),
    String(r.check.duplicated),
    String(r.check.corrupted),
    r.checksumOk ? 'yes' : 'NO',
    r.bootstrapOk ? 'yes' : 'NO',
    r.seconds.toFixed(0),
  ]);
  const widths = HEADER.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(' | ')} |`;
  // The rule as Biome formats a Markdown table, so the README holds the table exactly as printed.
  const rule = line(widths.map((w, i) => (i === 0 ? '-'.repeat(w) : `${'-'.repeat(w - 1)}:`)));
  return [line(HEADER), rule, ...rows.map(line)].join('\n');
}

/** Below the table: what the numbers leave out (unknown outcomes, torn journal lines) and every finding. */
export function details(results: readonly ScenarioResult[]): string {
  const lines: string[] = [];
  for (const r of results) {
    const c = r.check;
    lines.push(
      `${r.scenario}: ${c.durable} durable on a device, ${c.acknowledged} acknowledged under faults and ${c.acknowledgedAtEnd} more in the clean sync at the end, adds in flight at a kill (unknown outcome): ${c.inFlight}, of which present: ${c.inFlightPresent}, ${c.tornLines} torn journal line(s)`,
    );
    for (const note of r.notes) lines.push(`  ! ${note}`);
  }
  return lines.join('\n');
}
