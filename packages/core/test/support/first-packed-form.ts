import type { RowState } from '../../src/sync/index.js';

/**
 * A row in the first packed form, `{"s":[stamps],"f":{field:[value, stampIndex]}}`, as servers and
 * devices stored rows before packed rows became one flat list (protocol 2): what tests of reading
 * such stored rows start from. Production code only ever reads this form, so it is built here.
 */
export function firstPackedForm(row: RowState): string {
  const s: string[] = [];
  const f: Record<string, unknown> = {};
  for (const [field, { value, stamp }] of Object.entries(row)) {
    if (!s.includes(stamp)) s.push(stamp);
    f[field] = [value, s.indexOf(stamp)];
  }
  return JSON.stringify({ s, f });
}
