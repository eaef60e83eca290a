import { isKakeiboError, KakeiboError } from '../../../errors.js';
import { isCurrencyCode } from '../../../money/currencies.js';
import { readPlainAmount } from '../../amounts.js';
import { readIsoDate } from '../../dates.js';
import { decodeBytes, sniffText } from '../../encoding.js';
import { currencyFor, type ParseImportOptions } from '../../options.js';
import type { ImportBalance, ImportPreview, ImportStatement, ImportTransaction } from '../../preview.js';
import { cleanText, firstText } from '../../text.js';
import { Warnings } from '../../warnings.js';
import { chooseReferences } from './references.js';
import { all, attrAt, readXml, textAt, textsAt, type XmlNode } from './xml.js';

/*
 * ISO 20022 camt.053 (statements; camt.052 reports and camt.054 notifications share the entry shape),
 * versions 001.02 to 001.08+ -> preview. Only booked entries are ledger entries; a batch entry whose
 * transactions add up to it becomes those transactions.
 */

const ROOTS = [
  ['BkToCstmrStmt', 'Stmt'],
  ['BkToCstmrAcctRpt', 'Rpt'],
  ['BkToCstmrDbtCdtNtfctn', 'Ntfctn'],
] as const;

const BALANCE_KINDS: Record<string, ImportBalance['kind']> = {
  OPBD: 'opening',
  PRCD: 'opening', // the previous statement's closing balance is this one's opening
  CLBD: 'closing',
  CLAV: 'available',
};

/** A transaction before its id is chosen: the id needs every candidate of the file first. */
interface Draft extends Omit<ImportTransaction, 'externalId'> {
  references: Array<string | null>;
}

const dateOf = (node: unknown, ...path: string[]) =>
  readIsoDate(textAt(node, ...path, 'Dt') ?? textAt(node, ...path, 'DtTm') ?? '');

/** Booked date, else value date: `Dt` (v2-v7) or `DtTm` (any version). */
const entryDate = (entry: XmlNode) => dateOf(entry, 'BookgDt') ?? dateOf(entry, 'ValDt');

const signOf = (indicator: string | null): 1 | -1 | null =>
  indicator === 'CRDT' ? 1 : indicator === 'DBIT' ? -1 : null;

/** A party's name: `Nm` (v2-v7) or `Pty/Nm` (v8 on). */
const partyName = (details: XmlNode, role: string) =>
  firstText(textAt(details, 'RltdPties', role, 'Nm'), textAt(details, 'RltdPties', role, 'Pty', 'Nm'));

/** Who the money went to (a debit) or came from (a credit). */
function counterparty(details: XmlNode | undefined, sign: 1 | -1): string | null {
  if (!details) return null;
  const [party, ultimate] = sign < 0 ? ['Cdtr', 'UltmtCdtr'] : ['Dbtr', 'UltmtDbtr'];
  return firstText(partyName(details, party), partyName(details, ultimate));
}

function remittance(details: XmlNode | undefined, entry: XmlNode): string | null {
  const unstructured = details ? textsAt(details, 'RmtInf', 'Ustrd').join(' ') : '';
  return firstText(
    unstructured,
    details ? textAt(details, 'RmtInf', 'Strd', 'CdtrRefInf', 'Ref') : null,
    details ? textAt(details, 'AddtlTxInf') : null,
    textsAt(entry, 'AddtlNtryInf').join(' '),
  );
}

interface DetailAmount {
  details: XmlNode;
  amount: number;
}

/** A batch's parts with their signed amounts in `currency`, or null when they are not all there. */
function batchParts(details: XmlNode[], currency: string, entrySign: 1 | -1): DetailAmount[] | null {
  const parts: DetailAmount[] = [];
  for (const d of details) {
    const text = textAt(d, 'AmtDtls', 'TxAmt', 'Amt') ?? textAt(d, 'Amt');
    const ccy = attrAt(d, 'Ccy', 'AmtDtls', 'TxAmt', 'Amt') ?? attrAt(d, 'Ccy', 'Amt');
    if (text === null || (ccy !== null && ccy !== currency)) return null;
    const sign = signOf(textAt(d, 'CdtDbtInd')) ?? entrySign;
    parts.push({ details: d, amount: sign * readPlainAmount(text, currency) });
  }
  return parts;
}

interface Ctx {
  options: ParseImportOptions;
  warnings: Warnings;
  drafts: Draft[];
}

function readEntry(
  entry: XmlNode,
  line: number | null,
  statement: number,
  stmtCurrency: string,
  ctx: Ctx,
): void {
  const status = textAt(entry, 'Sts', 'Cd') ?? textAt(entry, 'Sts');
  if (status && status !== 'BOOK') {
    ctx.warnings.add(
      line,
      'camt.not_booked',
      `entry with status ${status} skipped: only booked entries are imported`,
    );
    return;
  }
  const currency = attrAt(entry, 'Ccy', 'Amt') ?? stmtCurrency;
  const sign = signOf(textAt(entry, 'CdtDbtInd'));
  const amountText = textAt(entry, 'Amt');
  const date = entryDate(entry);
  if (sign === null || amountText === null || date === null || !isCurrencyCode(currency)) {
    const why =
      sign === null
        ? 'no CdtDbtInd'
        : amountText === null
          ? 'no Amt'
          : date === null
            ? 'no booking date'
            : `unknown currency ${currency}`;
    ctx.warnings.add(line, 'camt.entry_skipped', `entry skipped: ${why}`);
    return;
  }
  const amount = sign * readPlainAmount(amountText, currency);
  const details = all(entry, 'NtryDtls').flatMap((d) => all(d, 'TxDtls'));
  const entryRefs = [textAt(entry, 'AcctSvcrRef'), textAt(entry, 'NtryRef')];
  const refsOf = (d: XmlNode | undefined) =>
    d ? [textAt(d, 'Refs', 'AcctSvcrRef'), textAt(d, 'Refs', 'TxId'), textAt(d, 'Refs', 'EndToEndId')] : [];
  const base = { date, currency, statement, line };
  if (details.length > 1) {
    const parts = batchParts(details, currency, sign);
    if (parts && parts.reduce((sum, p) => sum + p.amount, 0) === amount) {
      for (const part of parts) {
        const partSign = part.amount < 0 ? -1 : 1;
        ctx.drafts.push({
          ...base,
          amount: part.amount,
          payee: counterparty(part.details, partSign),
          memo: remittance(part.details, entry),
          references: refsOf(part.details),
        });
      }
      return;
    }
    ctx.warnings.add(
      line,
      'camt.batch_kept',
      `batch of ${details.length} transactions kept as one entry: their amounts do not add up to it`,
    );
  }
  const first = details[0];
  ctx.drafts.push({
    ...base,
    amount,
    payee: details.length > 1 ? null : counterparty(first, sign),
    memo:
      details.length > 1
        ? firstText(textsAt(entry, 'AddtlNtryInf').join(' '), `batch of ${details.length} transactions`)
        : remittance(first, entry),
    references:
      details.length > 1
        ? entryRefs
        : [
            entryRefs[0] ?? null,
            textAt(first, 'Refs', 'AcctSvcrRef'),
            entryRefs[1] ?? null,
            ...refsOf(first).slice(1),
          ],
  });
}

function readBalances(stmt: XmlNode, index: number, warnings: Warnings): ImportBalance[] {
  const balances: ImportBalance[] = [];
  for (const bal of all(stmt, 'Bal')) {
    const code = textAt(bal, 'Tp', 'CdOrPrtry', 'Cd');
    const kind = code ? BALANCE_KINDS[code] : undefined;
    const text = textAt(bal, 'Amt');
    const currency = attrAt(bal, 'Ccy', 'Amt');
    const sign = signOf(textAt(bal, 'CdtDbtInd')) ?? 1;
    if (!kind || text === null || !currency || !isCurrencyCode(currency)) continue;
    try {
      balances.push({
        statement: index,
        kind,
        date: dateOf(bal, 'Dt'),
        amount: sign * readPlainAmount(text, currency),
        currency,
      });
    } catch (error) {
      if (!isKakeiboError(error)) throw error;
      warnings.add(null, 'camt.balance_skipped', `balance ${code} skipped: ${error.message}`);
    }
  }
  return balances;
}

/** Line numbers of every <Ntry> in document order, which is the order the parser lists them in. */
function entryLines(text: string): number[] {
  const lines: number[] = [];
  let line = 1;
  let pos = 0;
  for (const match of text.matchAll(/<(?:[\w-]+:)?Ntry[\s>/]/g)) {
    for (; pos < (match.index ?? 0); pos += 1) if (text.charCodeAt(pos) === 10) line += 1;
    lines.push(line);
  }
  return lines;
}

export function parseCamt(bytes: Uint8Array, options: ParseImportOptions): ImportPreview {
  const head = sniffText(bytes, 512);
  const declared = /<\?xml[^>]*encoding\s*=\s*["']([^"']+)["']/i.exec(head)?.[1] ?? null;
  const decoded = decodeBytes(bytes, options.encoding ?? declared);
  let doc: XmlNode;
  try {
    doc = readXml(decoded.text);
  } catch (error) {
    throw new KakeiboError(
      'import.unreadable',
      `the CAMT file is not well-formed XML: ${(error as Error).message}`,
    );
  }
  const warnings = new Warnings();
  const lines = entryLines(decoded.text);
  let entryIndex = 0;
  const statements: ImportStatement[] = [];
  const balances: ImportBalance[] = [];
  const ctx: Ctx = { options, warnings, drafts: [] };
  for (const [root, item] of ROOTS) {
    for (const stmt of all(doc, 'Document', root, item)) {
      const index = statements.length;
      const stmtBalances = readBalances(stmt, index, warnings);
      const entries = all(stmt, 'Ntry');
      const stated =
        textAt(stmt, 'Acct', 'Ccy') ?? attrAt(entries[0], 'Ccy', 'Amt') ?? stmtBalances[0]?.currency ?? null;
      const currency = currencyFor(stated, options, 'CAMT statement');
      statements.push({
        account: firstText(textAt(stmt, 'Acct', 'Id', 'IBAN'), textAt(stmt, 'Acct', 'Id', 'Othr', 'Id')),
        kind: 'bank',
        currency,
        from: readIsoDate(textAt(stmt, 'FrToDt', 'FrDtTm') ?? textAt(stmt, 'FrToDt', 'FrDt') ?? ''),
        to: readIsoDate(textAt(stmt, 'FrToDt', 'ToDtTm') ?? textAt(stmt, 'FrToDt', 'ToDt') ?? ''),
      });
      balances.push(...stmtBalances);
      for (const entry of entries) {
        const line = lines[entryIndex] ?? null;
        entryIndex += 1;
        try {
          readEntry(entry, line, index, currency, ctx);
        } catch (error) {
          if (!isKakeiboError(error)) throw error;
          warnings.add(line, 'camt.entry_skipped', `entry skipped: ${error.message}`);
        }
      }
    }
  }
  if (statements.length === 0) {
    throw new KakeiboError(
      'import.unreadable',
      'the file has no camt.052/053/054 statement, report or notification',
    );
  }
  const ids = chooseReferences(ctx.drafts.map((d) => d.references));
  const transactions = ctx.drafts.map(
    ({ references: _, ...draft }, i): ImportTransaction => ({
      ...draft,
      payee: cleanText(draft.payee),
      externalId: ids[i] ?? null,
    }),
  );
  const version = /urn:iso:std:iso:20022:tech:xsd:(camt\.\d{3}\.\d{3}\.\d{2})/.exec(head)?.[1];
  return {
    format: 'camt',
    variant: version ?? 'camt (version not stated)',
    encoding: decoded.encoding,
    statements,
    transactions,
    balances,
    warnings: warnings.list,
  };
}
