import { isKakeiboError, KakeiboError } from '../../../errors.js';
import { isCurrencyCode } from '../../../money/currencies.js';
import { readPlainAmount } from '../../amounts.js';
import { readOfxDate } from '../../dates.js';
import { decodeBytes, sniffText } from '../../encoding.js';
import { currencyFor, type ParseImportOptions } from '../../options.js';
import type { ImportBalance, ImportPreview, ImportStatement, ImportTransaction } from '../../preview.js';
import { cleanText, firstText } from '../../text.js';
import { Warnings } from '../../warnings.js';
import { readOfxHeader } from './header.js';
import { child, findAll, leafValue, type OfxNode, readOfxMarkup } from './sgml.js';

/*
 * OFX 1 (SGML), OFX 2 (XML) and QFX -> preview. Every statement in the file counts: bank (STMTRS),
 * credit card (CCSTMTRS) and the cash lines of investment statements (INVBANKTRAN); trades, positions
 * and securities are not ledger entries and are skipped with a warning.
 */

const STATEMENTS = new Set(['STMTRS', 'CCSTMTRS', 'INVSTMTRS']);
const ACCOUNT_FROM = ['BANKACCTFROM', 'CCACCTFROM', 'INVACCTFROM'];

interface Context {
  options: ParseImportOptions;
  warnings: Warnings;
  transactions: ImportTransaction[];
  balances: ImportBalance[];
  statements: ImportStatement[];
}

function readTransaction(trn: OfxNode, statement: number, currency: string, ctx: Context): void {
  const line = trn.line;
  const rawAmount = leafValue(trn, 'TRNAMT');
  const rawDate = leafValue(trn, 'DTPOSTED') ?? leafValue(trn, 'DTUSER') ?? leafValue(trn, 'DTAVAIL');
  const date = rawDate === null ? null : readOfxDate(rawDate);
  if (rawAmount === null || date === null) {
    const missing = rawAmount === null ? 'no TRNAMT' : `no readable date (${rawDate ?? 'no DTPOSTED'})`;
    ctx.warnings.add(line, 'ofx.transaction_skipped', `transaction skipped: ${missing}`);
    return;
  }
  // CURRENCY inside a transaction: its amount is in that currency, not the statement's (OFX 2.1.1 11.4.4).
  const own = leafValue(trn, 'CURRENCY', 'CURSYM');
  const trnCurrency = own && isCurrencyCode(own.toUpperCase()) ? own.toUpperCase() : currency;
  let amount: number;
  try {
    amount = readPlainAmount(rawAmount, trnCurrency);
  } catch (error) {
    if (!isKakeiboError(error)) throw error;
    ctx.warnings.add(line, 'ofx.transaction_skipped', `transaction skipped: ${error.message}`);
    return;
  }
  ctx.transactions.push({
    date,
    amount,
    currency: trnCurrency,
    payee: firstText(leafValue(trn, 'NAME'), leafValue(trn, 'PAYEE', 'NAME')),
    memo: cleanText(leafValue(trn, 'MEMO')),
    externalId: cleanText(leafValue(trn, 'FITID')),
    statement,
    line,
    reference: firstText(leafValue(trn, 'CHECKNUM'), leafValue(trn, 'REFNUM')),
  });
}

function readBalance(
  node: OfxNode | undefined,
  kind: ImportBalance['kind'],
  statement: number,
  currency: string,
  ctx: Context,
) {
  const raw = leafValue(node, 'BALAMT');
  if (!node || raw === null) return;
  try {
    const asOf = leafValue(node, 'DTASOF');
    ctx.balances.push({
      statement,
      kind,
      date: asOf ? readOfxDate(asOf) : null,
      amount: readPlainAmount(raw, currency),
      currency,
    });
  } catch (error) {
    if (!isKakeiboError(error)) throw error;
    ctx.warnings.add(node.line, 'ofx.balance_skipped', `balance skipped: ${error.message}`);
  }
}

function describeTrade(node: OfxNode, currency: string): string {
  const inv = findAll(node, new Set(['INVTRAN']))[0];
  const date = leafValue(inv, 'DTTRADE');
  const total = findAll(node, new Set(['TOTAL']))[0]?.value;
  const units = findAll(node, new Set(['UNITS']))[0]?.value;
  const parts = [
    date ? `of ${readOfxDate(date) ?? date}` : null,
    units ? `units ${units}` : null,
    total ? `total ${total} ${currency}` : null,
  ];
  return `investment transaction ${node.name} ${parts.filter(Boolean).join(', ')} skipped: only cash movements are imported`;
}

function readStatement(stmt: OfxNode, ctx: Context): void {
  const index = ctx.statements.length;
  const currency = currencyFor(leafValue(stmt, 'CURDEF'), ctx.options, 'OFX statement');
  const from = ACCOUNT_FROM.map((name) => child(stmt, name)).find(Boolean);
  const kind = stmt.name === 'CCSTMTRS' ? 'creditcard' : stmt.name === 'INVSTMTRS' ? 'investment' : 'bank';
  const list = child(stmt, 'BANKTRANLIST') ?? child(stmt, 'INVTRANLIST');
  const start = leafValue(list, 'DTSTART');
  const end = leafValue(list, 'DTEND');
  ctx.statements.push({
    account: cleanText(leafValue(from, 'ACCTID')),
    kind,
    currency,
    from: start ? readOfxDate(start) : null,
    to: end ? readOfxDate(end) : null,
  });
  for (const item of list?.children ?? []) {
    if (item.name === 'STMTTRN') readTransaction(item, index, currency, ctx);
    else if (item.name === 'INVBANKTRAN') {
      const trn = child(item, 'STMTTRN');
      if (trn) readTransaction(trn, index, currency, ctx);
    } else if (kind === 'investment' && item.children.length > 0) {
      ctx.warnings.add(item.line, 'ofx.investment_skipped', describeTrade(item, currency));
    }
  }
  readBalance(child(stmt, 'LEDGERBAL'), 'closing', index, currency, ctx);
  readBalance(child(stmt, 'AVAILBAL'), 'available', index, currency, ctx);
  if (kind === 'investment') {
    const positions = child(stmt, 'INVPOSLIST')?.children.length ?? 0;
    if (positions) {
      const line = child(stmt, 'INVPOSLIST')?.line ?? null;
      ctx.warnings.add(
        line,
        'ofx.investment_skipped',
        `${positions} investment position${positions === 1 ? '' : 's'} skipped`,
      );
    }
  }
}

export function parseOfx(bytes: Uint8Array, options: ParseImportOptions): ImportPreview {
  const header = readOfxHeader(sniffText(bytes));
  const decoded = decodeBytes(bytes, options.encoding ?? header.charset);
  const warnings = new Warnings();
  // Header lines end however the bank wrote them (CR CR LF included): count lines on LF alone.
  const text = decoded.text.replace(/^\ufeff/, '');
  const bodyStart = text.search(/<(?![?!])/);
  const lineOffset = bodyStart < 0 ? 0 : text.slice(0, bodyStart).split('\n').length - 1;
  const root = readOfxMarkup(text.slice(Math.max(bodyStart, 0)), warnings);
  const ctx: Context = { options, warnings, transactions: [], balances: [], statements: [] };
  for (const trnrs of findAll(root, new Set(['STMTTRNRS', 'CCSTMTTRNRS', 'INVSTMTTRNRS']))) {
    const code = leafValue(trnrs, 'STATUS', 'CODE');
    if (code && code !== '0') {
      const message = leafValue(trnrs, 'STATUS', 'MESSAGE');
      warnings.add(
        trnrs.line,
        'ofx.status',
        `the bank reported status ${code}${message ? `: ${message}` : ''}`,
      );
    }
  }
  for (const stmt of findAll(root, STATEMENTS)) readStatement(stmt, ctx);
  if (ctx.statements.length === 0) {
    throw new KakeiboError(
      'import.unreadable',
      'the OFX file has no bank, credit card or investment statement',
    );
  }
  const shift = (line: number | null) => (line === null ? null : line + lineOffset);
  const secinfo = findAll(root, new Set(['SECLIST']))[0];
  if (secinfo?.children.length) {
    warnings.add(
      secinfo.line,
      'ofx.investment_skipped',
      `${secinfo.children.length} securities (SECLIST) skipped`,
    );
  }
  const qfx = /INTU\.BID/i.test(text);
  const version = header.specVersion ? ` ${header.specVersion.replace(/^(\d)(\d\d)$/, '$1.$2')}` : '';
  return {
    format: 'ofx',
    variant: `${qfx ? 'QFX, ' : ''}OFX${version} (${header.version === 1 ? 'SGML' : 'XML'})`,
    encoding: decoded.encoding,
    statements: ctx.statements,
    transactions: ctx.transactions.map((t) => ({ ...t, line: shift(t.line) })),
    balances: ctx.balances,
    warnings: warnings.list.map((w) => ({ ...w, line: shift(w.line) })),
  };
}
