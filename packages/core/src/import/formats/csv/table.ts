import Papa from 'papaparse';

/*
 * CSV text -> rows of cells with their line numbers (papaparse, once line ends are normalised: bank
 * exports end lines in LF, CRLF, CR or even CR CR LF, which papaparse would otherwise read as blank rows).
 */

export interface CsvRow {
  cells: string[];
  /** The line (1-based) the row starts on. */
  line: number;
}

export const normaliseLineEnds = (text: string) => text.replace(/^\ufeff/, '').replace(/\r*\n|\r/g, '\n');

const CANDIDATES = [',', ';', '\t', '|'] as const;

/** Occurrences of `delimiter` on one line outside double quotes. */
function countOutsideQuotes(line: string, delimiter: string): number {
  let count = 0;
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (ch === delimiter && !quoted) count += 1;
  }
  return count;
}

/**
 * The delimiter that appears the same number of times (at least once) on the most lines of the first
 * fifty. `consistency` is the share of those lines agreeing, 0 to 1.
 */
export function detectDelimiter(text: string): { delimiter: string; consistency: number } {
  const lines = normaliseLineEnds(text)
    .split('\n')
    .filter((l) => l.trim() !== '')
    .slice(0, 50);
  let best = { delimiter: ',', consistency: 0, count: 0 };
  for (const delimiter of CANDIDATES) {
    const counts = lines.map((l) => countOutsideQuotes(l, delimiter));
    const tally = new Map<number, number>();
    for (const c of counts) if (c > 0) tally.set(c, (tally.get(c) ?? 0) + 1);
    let modeCount = 0;
    let mode = 0;
    for (const [c, n] of tally)
      if (n > modeCount || (n === modeCount && c > mode)) [mode, modeCount] = [c, n];
    const consistency = lines.length ? modeCount / lines.length : 0;
    // More agreeing lines first, then more columns (a ';' file may also have a ',' in some texts).
    if (consistency > best.consistency || (consistency === best.consistency && mode > best.count)) {
      best = { delimiter, consistency, count: mode };
    }
  }
  return { delimiter: best.delimiter, consistency: best.consistency };
}

/** Every row of `text` (line ends already normalised), blank lines left out. */
export function readRows(text: string, delimiter: string): CsvRow[] {
  const rows: CsvRow[] = [];
  let line = 1;
  let consumed = 0;
  Papa.parse<string[]>(text, {
    delimiter,
    newline: '\n',
    quoteChar: '"',
    skipEmptyLines: false,
    step: (result) => {
      const cells = result.data;
      const end = result.meta.cursor;
      if (cells.some((c) => c.trim() !== '')) rows.push({ cells, line });
      for (let i = consumed; i < end && i < text.length; i += 1) if (text.charCodeAt(i) === 10) line += 1;
      consumed = end;
    },
  });
  return rows;
}
