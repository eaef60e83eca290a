/** QIF opens with a !Type:, !Account or !Option: header, possibly after comment lines. */
export function detectQif(head: string): number {
  const lines = head.split(/\r\n|\r|\n/).map((l) => l.trim());
  const first = lines.find((l) => l !== '' && !l.startsWith('#'));
  if (first && /^!(Type|Account|Option|Clear)\b/i.test(first)) return 0.95;
  // Header-less QIF still has records of one-letter fields ending in '^'.
  const records = lines.filter((l) => l === '^').length;
  const fields = lines.filter((l) => /^[DTPMNLU]\S/.test(l)).length;
  return records > 0 && fields >= records * 2 ? 0.5 : 0;
}
