import type { Warnings } from '../../warnings.js';

/*
 * QIF's structure: header lines ("!Type:Bank", "!Account", "!Option:AutoSwitch") and records of
 * one-letter fields ending in '^', read into sections without interpreting any value yet.
 */

export interface QifField {
  code: string;
  value: string;
  line: number;
}

export interface QifRecord {
  /** The section's header as written after '!', e.g. "Type:Bank", "Account". */
  section: string;
  /** Whether !Option:AutoSwitch was in force (an !Account block is then a list, not a switch). */
  autoSwitch: boolean;
  fields: QifField[];
  line: number;
}

export interface QifDocument {
  records: QifRecord[];
  /** The date order an !Option:MDY or !Option:DMY line states. */
  dateOption: 'mdy' | 'dmy' | null;
}

export function readQifRecords(text: string, warnings: Warnings): QifDocument {
  const lines = text.split(/\r\n|\r|\n/);
  const records: QifRecord[] = [];
  let section: string | null = null;
  let autoSwitch = false;
  let dateOption: QifDocument['dateOption'] = null;
  let fields: QifField[] = [];
  let start = 0;
  const flush = () => {
    if (fields.length && section !== null) records.push({ section, autoSwitch, fields, line: start });
    fields = [];
  };
  lines.forEach((raw, index) => {
    const line = index + 1;
    const text = raw.trim();
    if (text === '') return;
    if (text.startsWith('!')) {
      flush();
      const header = text.slice(1).trim();
      const lower = header.toLowerCase().replace(/\s+/g, '');
      if (lower === 'option:autoswitch') autoSwitch = true;
      else if (lower === 'clear:autoswitch') autoSwitch = false;
      else if (lower === 'option:mdy') dateOption = 'mdy';
      else if (lower === 'option:dmy') dateOption = 'dmy';
      else if (!lower.startsWith('option:') && !lower.startsWith('clear:')) section = header;
      return;
    }
    if (section === null) {
      // Before the first header: comments ("### exported by ...") or junk.
      if (!text.startsWith('#'))
        warnings.add(line, 'qif.junk_skipped', `line before the first !Type header skipped`);
      return;
    }
    if (text === '^' || text.startsWith('^')) {
      flush();
      return;
    }
    if (fields.length === 0) start = line;
    fields.push({ code: text.charAt(0).toUpperCase(), value: text.slice(1), line });
  });
  flush();
  return { records, dateOption };
}
