/** OFX 1 starts with its OFXHEADER line, OFX 2 with <?OFX ...?>; QFX is OFX with Intuit's extras. */
export function detectOfx(head: string): number {
  const text = head.replace(/^\ufeff/, '').trimStart();
  if (/^OFXHEADER\s*:/i.test(text)) return 1;
  if (/<\?OFX\s/i.test(text)) return 1;
  // No header at all, but the OFX root and its message sets: a header-less export some tools write.
  if (/<OFX>/i.test(text) && /<(SIGNONMSGSRSV1|BANKMSGSRSV1|CREDITCARDMSGSRSV1)>/i.test(text)) return 0.8;
  return 0;
}
