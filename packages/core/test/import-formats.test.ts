import { describe, expect, it } from 'vitest';
import { readOfxMarkup } from '../src/import/formats/ofx/sgml.js';
import { parseImport, summarisePreview } from '../src/import/index.js';
import { Warnings } from '../src/import/warnings.js';

/* OFX, QIF and CAMT beyond the fixtures: the cases the issue names, written by hand. */

const bytes = (text: string) => new TextEncoder().encode(text);

const OFX1_HEADER =
  'OFXHEADER:100 DATA:OFXSGML VERSION:102 SECURITY:NONE ENCODING:USASCII CHARSET:1252\r\n\r\n';

describe('OFX', () => {
  it('reads unclosed SGML leaves with entities, two statements (bank and credit card) and their balances', () => {
    const text =
      OFX1_HEADER +
      '<OFX><BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS>' +
      '<STMTRS><CURDEF>EUR<BANKACCTFROM><BANKID>1<ACCTID>111<ACCTTYPE>CHECKING</BANKACCTFROM>' +
      '<BANKTRANLIST><DTSTART>20240101<DTEND>20240131\n' +
      '<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20240105<TRNAMT>-10,50<FITID>A1<NAME>Marks &amp; Spencer<MEMO>5 &lt; 6 &#8364; &#x41; & co</STMTTRN>\n' +
      '<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20240106120000.000[+1:CET]<TRNAMT>+100<FITID>A2<PAYEE><NAME>Employer</PAYEE><MEMO></STMTTRN>\n' +
      '</BANKTRANLIST><LEDGERBAL><BALAMT>89.50<DTASOF>20240131</LEDGERBAL></STMTRS></STMTTRNRS></BANKMSGSRSV1>\n' +
      '<CREDITCARDMSGSRSV1><CCSTMTTRNRS><TRNUID>2<STATUS><CODE>0<SEVERITY>INFO</STATUS>' +
      '<CCSTMTRS><CURDEF>USD<CCACCTFROM><ACCTID>4111</CCACCTFROM><BANKTRANLIST>\n' +
      '<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20240107<TRNAMT>-5.00<FITID>C1<NAME>Coffee</STMTTRN>\n' +
      '<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20240108<TRNAMT>-7.00<FITID>C2<NAME>Lunch<CURRENCY><CURRATE>1.1<CURSYM>EUR</CURRENCY></STMTTRN>\n' +
      '</BANKTRANLIST><LEDGERBAL><BALAMT>-12.00<DTASOF>20240131</LEDGERBAL></CCSTMTRS></CCSTMTTRNRS></CREDITCARDMSGSRSV1></OFX>';
    const p = parseImport(bytes(text));
    expect(p.statements.map((s) => [s.kind, s.account, s.currency, s.from, s.to])).toEqual([
      ['bank', '111', 'EUR', '2024-01-01', '2024-01-31'],
      ['creditcard', '4111', 'USD', null, null],
    ]);
    expect(
      p.transactions.map((t) => [
        t.statement,
        t.date,
        t.amount,
        t.currency,
        t.payee,
        t.memo,
        t.externalId,
        t.line,
      ]),
    ).toEqual([
      [0, '2024-01-05', -1050, 'EUR', 'Marks & Spencer', '5 < 6 € A & co', 'A1', 4],
      [0, '2024-01-06', 10000, 'EUR', 'Employer', null, 'A2', 5],
      [1, '2024-01-07', -500, 'USD', 'Coffee', null, 'C1', 8],
      [1, '2024-01-08', -700, 'EUR', 'Lunch', null, 'C2', 9],
    ]);
    expect(p.balances).toEqual([
      { statement: 0, kind: 'closing', date: '2024-01-31', amount: 8950, currency: 'EUR' },
      { statement: 1, kind: 'closing', date: '2024-01-31', amount: -1200, currency: 'USD' },
    ]);
    expect(p.warnings).toEqual([]);
  });

  it('reads OFX 2 XML with CDATA (kept verbatim) and a UTF-8 declaration', () => {
    const text =
      '<?xml version="1.0" encoding="UTF-8"?>\n<?OFX OFXHEADER="200" VERSION="211"?>\n<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS>' +
      '<CURDEF>JPY</CURDEF><BANKTRANLIST><STMTTRN><DTPOSTED>20240301</DTPOSTED><TRNAMT>-1200</TRNAMT><FITID>J1</FITID>' +
      '<NAME><![CDATA[コンビニ <本店> & Co  ]]></NAME></STMTTRN></BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>';
    const p = parseImport(bytes(text));
    expect(p.variant).toBe('OFX 2.11 (XML)');
    expect(p.encoding).toBe('utf-8');
    expect(p.transactions[0]).toMatchObject({
      amount: -1200,
      currency: 'JPY',
      payee: 'コンビニ <本店> & Co',
    });
    const tree = readOfxMarkup('<NAME><![CDATA[ALDI  ]]></NAME>', new Warnings());
    expect(tree.children[0]?.value).toBe('ALDI  ');
  });

  it('skips a transaction it cannot read with a warning, and reports a status the bank sent', () => {
    const text =
      `${OFX1_HEADER}<OFX><BANKMSGSRSV1><STMTTRNRS><STATUS><CODE>2000<SEVERITY>ERROR<MESSAGE>partial</STATUS>` +
      '<STMTRS><CURDEF>EUR<BANKTRANLIST><STMTTRN><DTPOSTED>20240105<TRNAMT>-1.234<FITID>X</STMTTRN>' +
      '<STMTTRN><DTPOSTED>2024<TRNAMT>1.00</STMTTRN></BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>';
    const p = parseImport(bytes(text));
    expect(p.transactions).toEqual([]);
    expect(p.warnings.map((w) => w.code)).toEqual([
      'ofx.status',
      'ofx.transaction_skipped',
      'ofx.transaction_skipped',
    ]);
    expect(p.warnings[1]?.message).toMatch(/decimal places/);
  });
});

describe('QIF', () => {
  it('switches accounts with !Account blocks after an AutoSwitch account list', () => {
    const text = [
      '!Option:AutoSwitch',
      '!Account',
      'NChecking',
      'TBank',
      '^',
      'NVisa',
      'TCCard',
      '^',
      '!Clear:AutoSwitch',
      '!Account',
      'NChecking',
      'TBank',
      '^',
      '!Type:Bank',
      "D1/31'24",
      'T1,250.00',
      'PSalary',
      '^',
      '!Account',
      'NVisa',
      'TCCard',
      '^',
      '!Type:CCard',
      "D2/ 1'24",
      'U-12.5',
      'PCafe',
      '^',
      '!Type:Memorized',
      'KE',
      'T-9.99',
      'PNetflix',
      '^',
    ].join('\r\n');
    const p = parseImport(bytes(text), { currency: 'USD' });
    expect(p.statements.map((s) => [s.account, s.kind])).toEqual([
      ['Checking', 'bank'],
      ['Visa', 'creditcard'],
    ]);
    expect(p.transactions.map((t) => [t.statement, t.date, t.amount, t.payee])).toEqual([
      [0, '2024-01-31', 125000, 'Salary'],
      [1, '2024-02-01', -1250, 'Cafe'],
    ]);
    expect(p.warnings.map((w) => [w.code, w.line])).toEqual([['qif.memorised_skipped', 29]]);
  });

  it('follows !Option:DMY, reads European amounts, and warns about splits that do not add up', () => {
    const text = '!Option:DMY\n!Type:Bank\nD05/01/2024\nT-1.234,50\nPMiete\nSRent\n$-1.000,00\n^\n';
    const p = parseImport(bytes(text), { currency: 'EUR' });
    expect(p.transactions[0]).toMatchObject({ date: '2024-01-05', amount: -123450 });
    expect(p.warnings.map((w) => w.code)).toEqual(['qif.split_mismatch']);
  });
});

const camt = (entries: string, version = '08') =>
  bytes(
    `<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.${version}">` +
      `<BkToCstmrStmt><Stmt><Acct><Id><IBAN>DE00123</IBAN></Id><Ccy>EUR</Ccy></Acct>${entries}</Stmt></BkToCstmrStmt></Document>`,
  );

const entry = (body: string) => `\n<Ntry>${body}</Ntry>`;

describe('CAMT', () => {
  it('splits a batch entry into its transactions and reads DtTm booking dates', () => {
    const p = parseImport(
      camt(
        entry(
          '<Amt Ccy="EUR">30.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>' +
            '<BookgDt><DtTm>2024-04-30T23:30:00-02:00</DtTm></BookgDt><AcctSvcrRef>BATCH-1</AcctSvcrRef>' +
            '<NtryDtls><Btch><NbOfTxs>2</NbOfTxs></Btch>' +
            '<TxDtls><Refs><EndToEndId>E1</EndToEndId></Refs><Amt Ccy="EUR">10.00</Amt><CdtDbtInd>DBIT</CdtDbtInd>' +
            '<RltdPties><Cdtr><Pty><Nm>Water Co</Nm></Pty></Cdtr></RltdPties><RmtInf><Ustrd>April</Ustrd><Ustrd>water</Ustrd></RmtInf></TxDtls>' +
            '<TxDtls><Refs><EndToEndId>E2</EndToEndId></Refs><Amt Ccy="EUR">20.00</Amt><CdtDbtInd>DBIT</CdtDbtInd>' +
            '<RltdPties><Cdtr><Pty><Nm>Power Co</Nm></Pty></Cdtr></RltdPties></TxDtls></NtryDtls>',
        ) +
          entry(
            '<Amt Ccy="EUR">5.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>PDNG</Cd></Sts><BookgDt><Dt>2024-05-01</Dt></BookgDt>',
          ),
      ),
    );
    expect(p.transactions.map((t) => [t.date, t.amount, t.payee, t.memo, t.externalId, t.line])).toEqual([
      ['2024-04-30', -1000, 'Water Co', 'April water', 'E1', 3],
      ['2024-04-30', -2000, 'Power Co', null, 'E2', 3],
    ]);
    expect(p.warnings.map((w) => [w.code, w.line])).toEqual([['camt.not_booked', 4]]);
  });

  it('keeps a batch whose parts do not add up as one entry, with a warning', () => {
    const p = parseImport(
      camt(
        entry(
          '<Amt Ccy="EUR">30.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2024-04-30</Dt></BookgDt>' +
            '<NtryDtls><TxDtls><Amt Ccy="EUR">10.00</Amt></TxDtls><TxDtls><Amt Ccy="EUR">10.00</Amt></TxDtls></NtryDtls>',
        ),
        '02',
      ),
    );
    expect(p.transactions).toMatchObject([{ amount: -3000, memo: 'batch of 2 transactions' }]);
    expect(p.warnings.map((w) => w.code)).toEqual(['camt.batch_kept']);
  });

  it('falls back to another reference when the entry reference is not unique in the file', () => {
    const e = (ref: string, e2e: string, amount: string) =>
      entry(
        `<Amt Ccy="EUR">${amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>2024-01-02</Dt></BookgDt>` +
          `<AcctSvcrRef>${ref}</AcctSvcrRef><NtryDtls><TxDtls><Refs><EndToEndId>${e2e}</EndToEndId></Refs></TxDtls></NtryDtls>`,
      );
    const p = parseImport(
      camt(
        e('SAME', 'A', '1.00') +
          e('SAME', 'B', '2.00') +
          e('OWN', 'NOTPROVIDED', '3.00') +
          e('SAME', 'NOTPROVIDED', '4.00'),
      ),
    );
    expect(p.transactions.map((t) => t.externalId)).toEqual(['A', 'B', 'OWN', null]);
  });

  it('reads several statements and the opening/closing check', () => {
    const stmt = (iban: string, open: string, amount: string, close: string) =>
      `<Stmt><Acct><Id><IBAN>${iban}</IBAN></Id></Acct>` +
      `<Bal><Tp><CdOrPrtry><Cd>PRCD</Cd></CdOrPrtry></Tp><Amt Ccy="CHF">${open}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2024-01-01</Dt></Dt></Bal>` +
      `<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="CHF">${close}</Amt><CdtDbtInd>DBIT</CdtDbtInd><Dt><DtTm>2024-01-31T10:00:00</DtTm></Dt></Bal>` +
      `<Ntry><Amt Ccy="CHF">${amount}</Amt><CdtDbtInd>DBIT</CdtDbtInd><ValDt><Dt>2024-01-15</Dt></ValDt></Ntry></Stmt>`;
    const text = `<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.06"><BkToCstmrStmt>${stmt('CH1', '10.00', '15.00', '5.00')}${stmt('CH2', '1.00', '1.00', '1.00')}</BkToCstmrStmt></Document>`;
    const p = parseImport(bytes(text));
    expect(p.statements.map((s) => [s.account, s.currency])).toEqual([
      ['CH1', 'CHF'],
      ['CH2', 'CHF'],
    ]);
    expect(summarisePreview(p).statements.map((s) => [s.expectedClosing, s.closing, s.matches])).toEqual([
      [-500, -500, true],
      [0, -100, false],
    ]);
  });
});
