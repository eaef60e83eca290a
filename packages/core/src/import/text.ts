/*
 * Text fields as banks write them -> what a ledger keeps: trimmed (banks pad fixed-width fields), control
 * characters turned into spaces (stored text refuses them), empty as null.
 */
export function cleanText(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  const cleaned = value.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return cleaned === '' ? null : cleaned;
}

/** The first of several candidate texts that is not empty. */
export function firstText(...values: ReadonlyArray<string | null | undefined>): string | null {
  for (const value of values) {
    const cleaned = cleanText(value);
    if (cleaned !== null) return cleaned;
  }
  return null;
}
