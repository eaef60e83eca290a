import { describe, expect, it } from 'vitest';
import { KakeiboError } from '../src/errors.js';
import { parseImport, rankFormats } from '../src/import/index.js';

/* CSV beyond the fixtures: encodings built from bytes, summary and preamble rows, the shapes of amounts. */

const utf8 = (text: string) => new TextEncoder().encode(text);

/**
 * Text -> bytes in a legacy encoding, which TextEncoder cannot write: the decoder run backwards over
 * every one- and two-byte sequence, so the test's bytes are what a bank's software would write.
 */
function encodeLegacy(text: string, encoding: 'shift_jis' | 'euc-jp' | 'windows-1252'): Uint8Array {
  const decoder = new TextDecoder(encoding, { fatal: true });
  const table = new Map<string, number[]>();
  const learn = (bytes: number[]) => {
    try {
      const ch = decoder.decode(new Uint8Array(bytes));
      if ([...ch].length === 1 && !table.has(ch)) table.set(ch, bytes);
    } catch {
      // not a character in this encoding
    }
  };
  if (encoding === 'windows-1252') {
    // Node 20's decoder reads 0x80-0x9F as Latin-1, so the few characters there are spelled out.
    const high: Record<string, number> = { '€': 0x80, '“': 0x93, '”': 0x94, '–': 0x96 };
    return new Uint8Array(
      [...text].map((ch) => high[ch] ?? (ch.charCodeAt(0) < 0x100 ? ch.charCodeAt(0) : Number.NaN)),
    );
  }
  for (let a = 0; a < 256; a += 1) learn([a]);
  for (let a = 0x81; a < 0xff; a += 1) for (let b = 0x40; b < 0xff; b += 1) learn([a, b]);
  return new Uint8Array(
    [...text].flatMap((ch) => {
      const bytes = table.get(ch);
      if (!bytes) throw new Error(`${ch} has no ${encoding} form`);
      return bytes;
    }),
  );
}
const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error instanceof KakeiboError ? error.code : String(error);
  }
  return undefined;
};

describe('CSV encodings', () => {
  it('reads Shift_JIS from its bytes (a Japanese bank export)', () => {
    const text =
      '日付,摘要,お支払金額,お預り金額\n2024/01/05,コンビニ,"1,234",\n2024/01/25,給与,,"250,000"\n';
    const bytes = encodeLegacy(text, 'shift_jis');
    expect(bytes.length).toBeLessThan(new TextEncoder().encode(text).length); // two bytes a character, not three
    const preview = parseImport(bytes, { currency: 'JPY' });
    expect(preview.encoding).toBe('shift_jis');
    expect(preview.transactions.map((t) => [t.date, t.amount, t.payee])).toEqual([
      ['2024-01-05', -1234, 'コンビニ'],
      ['2024-01-25', 250000, '給与'],
    ]);
    expect(preview.mapping?.columns).toMatchObject({ date: 0, payee: 1, debit: 2, credit: 3 });
  });

  it('reads EUC-JP from its bytes', () => {
    const preview = parseImport(encodeLegacy('日付,内容,金額\n2024-02-01,書籍,-1500\n', 'euc-jp'), {
      currency: 'JPY',
    });
    expect(preview.encoding).toBe('euc-jp');
    expect(preview.transactions).toMatchObject([{ date: '2024-02-01', amount: -1500, payee: '書籍' }]);
  });

  it('reads Windows-1252 from its bytes (é, ü, € and ß are single bytes)', () => {
    const text =
      'Datum;Empfänger;Betrag;Währung\n03.01.2024;Café Müller;-4,50;EUR\n04.01.2024;“Straße” € Shop;-1.234,56;EUR\n';
    const bytes = encodeLegacy(text, 'windows-1252');
    expect(bytes.filter((b) => b >= 0x80)).toHaveLength(8); // ä ä é ü ß “ ” €, one byte each
    const preview = parseImport(bytes);
    expect(preview.encoding).toBe('windows-1252');
    expect(preview.transactions.map((t) => [t.date, t.amount, t.payee])).toEqual([
      ['2024-01-03', -450, 'Café Müller'],
      ['2024-01-04', -123456, '“Straße” € Shop'],
    ]);
  });

  it('drops a UTF-8 byte-order mark and reads UTF-16 with one', () => {
    const withBom = new Uint8Array([
      0xef,
      0xbb,
      0xbf,
      ...utf8('Date,Amount,Payee\n2024-03-01,-5.00,Bäcker\n'),
    ]);
    const a = parseImport(withBom, { currency: 'EUR' });
    expect(a.mapping?.titles[0]).toBe('Date');
    expect(a.transactions[0]).toMatchObject({ amount: -500, payee: 'Bäcker' });
    const text = 'Date,Amount,Payee\n2024-03-01,-5.00,Bäcker\n';
    const utf16 = new Uint8Array(2 + text.length * 2);
    utf16.set([0xff, 0xfe]);
    for (let i = 0; i < text.length; i += 1)
      utf16.set([text.charCodeAt(i) & 0xff, text.charCodeAt(i) >> 8], 2 + i * 2);
    expect(parseImport(utf16, { currency: 'EUR' }).transactions[0]).toMatchObject({
      amount: -500,
      payee: 'Bäcker',
    });
  });
});

describe('CSV rows that are not transactions', () => {
  it('skips a preamble and a summary row with warnings that name their lines', () => {
    const text = [
      'Account;DE44 2004 0000 0538 9176 00',
      'Period;01.01.2024 - 31.01.2024',
      '',
      'Booking date;Payee;Purpose;Amount',
      '02.01.2024;REWE;groceries;-23,45',
      '15.01.2024;Employer GmbH;salary;2.500,00',
      ';;Total;2.476,55',
      'Closing balance;;;3.476,55',
    ].join('\r\n');
    const preview = parseImport(utf8(text), { currency: 'EUR' });
    expect(preview.transactions.map((t) => [t.date, t.amount, t.payee, t.memo, t.line])).toEqual([
      ['2024-01-02', -2345, 'REWE', 'groceries', 5],
      ['2024-01-15', 250000, 'Employer GmbH', 'salary', 6],
    ]);
    expect(preview.warnings.map((w) => [w.line, w.code])).toEqual([
      [1, 'csv.preamble_skipped'],
      [7, 'csv.row_skipped'],
      [8, 'csv.row_skipped'],
    ]);
    expect(preview.mapping?.confidence).toBe('high');
  });

  it('normalises CR CR LF line ends and reads quoted fields with line breaks', () => {
    const text =
      'Date,Description,Amount\r\r\n2024-05-01,"two\nlines",-1.00\r\r\n2024-05-02,"say ""hi""",2.00\r\r\n';
    const preview = parseImport(utf8(text), { currency: 'USD' });
    expect(preview.transactions.map((t) => [t.amount, t.payee, t.line])).toEqual([
      [-100, 'two lines', 2],
      [200, 'say "hi"', 4],
    ]);
  });
});

describe('CSV amounts and mapping', () => {
  it('reads a CR/DR marker column', () => {
    const text = 'Date,Narrative,Amount,Cr/Dr\n01/02/2024,Coffee,3.50,DR\n02/02/2024,Refund,3.50,CR\n';
    const preview = parseImport(utf8(text), { currency: 'GBP' });
    expect(preview.transactions.map((t) => t.amount)).toEqual([-350, 350]);
    expect(preview.mapping?.columns.marker).toBe(3);
  });

  it('reads the Dutch Af/Bij column and amounts with a decimal comma', () => {
    const text =
      '"Datum","Naam / Omschrijving","Rekening","Tegenrekening","Code","Af Bij","Bedrag (EUR)","Mutatiesoort","Mededelingen"\n' +
      '"20240103","Albert Heijn","NL00INGB0000000001","","BA","Af","12,34","Betaalautomaat","Pasvolgnr: 001"\n' +
      '"20240104","Werkgever BV","NL00INGB0000000001","NL00RABO0000000002","OV","Bij","1.500,00","Overschrijving","Salaris"\n';
    const preview = parseImport(utf8(text), { currency: 'EUR' });
    expect(preview.transactions.map((t) => [t.date, t.amount, t.payee])).toEqual([
      ['2024-01-03', -1234, 'Albert Heijn'],
      ['2024-01-04', 150000, 'Werkgever BV'],
    ]);
  });

  it('reads a file without a header row, with low confidence, and takes overrides', () => {
    const text =
      '2024-06-01,-12.00,Bakery,ref 1\n2024-06-02,-3.10,Kiosk,ref 2\n2024-06-03,100.00,Friend,ref 3\n';
    const preview = parseImport(utf8(text), { currency: 'EUR' });
    expect(preview.mapping).toMatchObject({
      header: false,
      confidence: 'low',
      columns: { date: 0, amount: 1 },
    });
    expect(preview.transactions.map((t) => t.amount)).toEqual([-1200, -310, 10000]);
    const given = parseImport(utf8(text), { currency: 'EUR', csv: { columns: { payee: 3, memo: 2 } } });
    expect(given.transactions[0]).toMatchObject({ payee: 'ref 1', memo: 'Bakery' });
    expect(given.mapping?.confidence).toBe('high');
  });

  it('takes the decimal mark, date order and delimiter as given', () => {
    const text = '01/02/2024|1.000|A\n';
    const preview = parseImport(utf8(text), {
      currency: 'EUR',
      dateOrder: 'mdy',
      csv: { delimiter: '|', decimal: ',', header: false, columns: { date: 0, amount: 1, payee: 2 } },
    });
    expect(preview.transactions[0]).toMatchObject({ date: '2024-01-02', amount: 100000, payee: 'A' });
  });

  it('warns when every date could be either day or month first', () => {
    const preview = parseImport(utf8('Date,Amount\n03/04/2024,1.00\n'), { currency: 'EUR' });
    expect(preview.warnings.map((w) => w.code)).toEqual(['csv.dates_ambiguous']);
    expect(preview.transactions[0]?.date).toBe('2024-04-03');
  });

  it('asks for the currency when the file does not say it, and for columns it cannot find', () => {
    expect(codeOf(() => parseImport(utf8('Date,Amount\n2024-01-01,1.00\n')))).toBe('import.currency_unknown');
    expect(codeOf(() => parseImport(utf8('a,b\nx,y\nz,w\n'), { currency: 'EUR' }))).toBe(
      'import.csv_mapping',
    );
  });
});

describe('format detection', () => {
  it('ranks formats by their markers and refuses what none claims', () => {
    expect(rankFormats(utf8('OFXHEADER:100\nDATA:OFXSGML\n<OFX>'))[0]?.format).toBe('ofx');
    expect(
      rankFormats(
        utf8('<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">'),
      )[0]?.format,
    ).toBe('camt');
    expect(rankFormats(utf8('### comment\n!Type:Bank\nD1/1/24\n'))[0]?.format).toBe('qif');
    expect(rankFormats(utf8('a;b;c\n1;2;3\n'))[0]?.format).toBe('csv');
    expect(codeOf(() => parseImport(utf8('{"not": "a bank file"}')))).toBe('import.unknown_format');
    expect(codeOf(() => parseImport(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d])))).toBe(
      'import.unknown_format',
    );
  });
});
