/** ISO 20022 cash-management XML: a camt.05x namespace, or the message's root element. */
export function detectCamt(head: string): number {
  if (/urn:iso:std:iso:20022:tech:xsd:camt\.05[234]/i.test(head)) return 1;
  if (/<(?:[\w-]+:)?(BkToCstmrStmt|BkToCstmrAcctRpt|BkToCstmrDbtCdtNtfctn)[\s>]/.test(head)) return 0.9;
  return 0;
}
