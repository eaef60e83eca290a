import type { ExpenseRow } from './device-protocol.js';
import { contentHash, type JournalSummary, MARKER_PATTERN } from './journal.js';

/**
 * The check: a fresh device's rows against the journals (the replica of what was sent).
 *   lost        journalled durable on a device (or acknowledged by the server) but missing
 *   duplicated  the same marker in more than one row
 *   corrupted   present, but the content hash differs (or a chaos row no journal ever announced)
 * An add whose outcome is unknown (intent journalled, then the device was killed before `create`
 * resolved) may be present or absent, but never duplicated or corrupted.
 */
export interface CheckResult {
  written: number;
  /** Acknowledged by the server while faults were being injected. */
  acknowledged: number;
  /** Durable on a device through the faults, acknowledged in the clean sync at the end. */
  acknowledgedAtEnd: number;
  durable: number;
  inFlight: number;
  inFlightPresent: number;
  lost: number;
  duplicated: number;
  corrupted: number;
  tornLines: number;
  /** The first few problems, each in words, for the report. */
  problems: string[];
}

const MAX_PROBLEMS = 10;

/** A result with every count at zero: the start of a check, or the row of a scenario that broke. */
export const emptyCheck = (): CheckResult => ({
  written: 0,
  acknowledged: 0,
  acknowledgedAtEnd: 0,
  durable: 0,
  inFlight: 0,
  inFlightPresent: 0,
  lost: 0,
  duplicated: 0,
  corrupted: 0,
  tornLines: 0,
  problems: [],
});

export function checkRows(journal: JournalSummary, rows: readonly ExpenseRow[]): CheckResult {
  const byMarker = new Map<string, ExpenseRow[]>();
  const problems: string[] = [];
  const problem = (line: string) => {
    if (problems.length < MAX_PROBLEMS) problems.push(line);
  };
  let corrupted = 0;
  for (const row of rows) {
    const marker = MARKER_PATTERN.exec(row.note)?.[0];
    if (!marker) continue; // not one of ours (none are expected, but the check only judges its own)
    const list = byMarker.get(marker) ?? [];
    list.push(row);
    byMarker.set(marker, list);
  }
  const result: CheckResult = {
    ...emptyCheck(),
    written: journal.entries.size,
    tornLines: journal.tornLines,
    problems,
  };
  for (const [marker, entry] of journal.entries) {
    if (entry.outcome === 'acked') {
      if (entry.ackedAtEnd) result.acknowledgedAtEnd++;
      else result.acknowledged++;
    }
    if (entry.outcome !== 'intent') result.durable++;
    const found = byMarker.get(marker) ?? [];
    if (entry.outcome === 'intent') {
      result.inFlight++;
      if (found.length) result.inFlightPresent++;
    } else if (found.length === 0) {
      result.lost++;
      problem(`lost (${entry.outcome}): ${marker} from ${entry.device}`);
    }
    if (found.length > 1) {
      result.duplicated++;
      problem(`duplicated ×${found.length}: ${marker} (rows ${found.map((r) => r.id).join(', ')})`);
    }
    for (const row of found) {
      const hash = contentHash({ marker, ...row });
      if (hash !== entry.hash || row.deleted) {
        corrupted++;
        problem(
          `corrupted: ${marker} row ${row.id} ${JSON.stringify(row)} vs ${JSON.stringify(entry.content)}`,
        );
      }
    }
  }
  for (const [marker, found] of byMarker) {
    if (journal.entries.has(marker)) continue;
    corrupted += found.length;
    problem(`unknown row: ${marker} is in no journal (${found.length} row(s))`);
  }
  result.corrupted = corrupted;
  return result;
}
