/*
 * Column titles banks use, by role, in the languages of the exports we know of (lower case, accents
 * removed, punctuation as spaces). A title matches a keyword when it is the keyword or has it as a
 * whole word; Japanese titles, which have no spaces, match when they contain it.
 */

export type TitleRole =
  | 'date'
  | 'valueDate'
  | 'amount'
  | 'debit'
  | 'credit'
  | 'marker'
  | 'payee'
  | 'memo'
  | 'currency'
  | 'externalId'
  | 'balance';

export const KEYWORDS: Readonly<Record<TitleRole, readonly string[]>> = {
  date: [
    'date',
    'booking date',
    'transaction date',
    'posting date',
    'posted date',
    'posted',
    'buchungstag',
    'buchungsdatum',
    'datum',
    'date operation',
    'date de l operation',
    'date comptable',
    'fecha',
    'fecha operacion',
    'data',
    'data operazione',
    'data contabile',
    'started date',
    'completed date',
    'transactiedatum',
    'boekdatum',
    '日付',
    '取引日',
    '利用日',
    'ご利用日',
    'お取引日',
    '年月日',
  ],
  valueDate: [
    'value date',
    'valutadatum',
    'wertstellung',
    'valuta datum',
    'date de valeur',
    'fecha valor',
    'data valuta',
    'rentedatum',
  ],
  amount: [
    'amount',
    'betrag',
    'bedrag',
    'montant',
    'importe',
    'importo',
    'valor',
    'kwota',
    'belopp',
    'beløb',
    'summe',
    'umsatz',
    'transaction amount',
    'bedrag eur',
    '金額',
    'お取引金額',
    '取引金額',
    'ご利用金額',
    '利用金額',
  ],
  debit: [
    'debit',
    'debits',
    'debit amount',
    'withdrawal',
    'withdrawals',
    'outflow',
    'paid out',
    'money out',
    'out',
    'soll',
    'ausgang',
    'ausgaben',
    'af',
    'debet',
    'cargo',
    'cargos',
    'addebiti',
    'uscite',
    'charge',
    'charges',
    '出金',
    '出金額',
    'お支払金額',
    '支払金額',
    '引出額',
    'お引出し',
    '引出金額',
  ],
  credit: [
    'credit',
    'credits',
    'credit amount',
    'deposit',
    'deposits',
    'inflow',
    'paid in',
    'money in',
    'in',
    'haben',
    'eingang',
    'einnahmen',
    'bij',
    'abono',
    'abonos',
    'accrediti',
    'entrate',
    '入金',
    '入金額',
    '預入額',
    'お預り金額',
    '預入金額',
    'お預入れ',
  ],
  marker: [
    'af bij',
    'cr dr',
    'dr cr',
    'debit credit',
    'credit debit',
    'soll haben',
    's h',
    'd c',
    'c d',
    'sign',
    'direction',
    'debit or credit',
  ],
  payee: [
    'payee',
    'name',
    'counterparty',
    'counter party',
    'beneficiary',
    'beguenstigter zahlungspflichtiger',
    'begunstigter zahlungspflichtiger',
    'empfanger',
    'empfaenger',
    'auftraggeber',
    'zahlungsempfanger',
    'auftraggeber empfanger',
    'naam',
    'tegenpartij',
    'beneficiaire',
    'merchant',
    'payee name',
    'name omschrijving',
    'お取引内容',
    '取引内容',
    'ご利用店名',
    '利用店名',
    '利用先',
    'お預入れ先',
  ],
  memo: [
    'memo',
    'description',
    'details',
    'verwendungszweck',
    'purpose',
    'reference',
    'remittance',
    'mededelingen',
    'omschrijving',
    'notes',
    'note',
    'buchungstext',
    'libelle',
    'concepto',
    'causale',
    'descrizione',
    'narrative',
    'transaction details',
    'particulars',
    'text',
    'vorgang',
    '摘要',
    '備考',
    'メモ',
    '内容',
  ],
  currency: ['currency', 'wahrung', 'waehrung', 'valuta', 'devise', 'moneda', 'divisa', 'ccy', 'cur', '通貨'],
  externalId: [
    'transaction id',
    'transaction reference',
    'reference number',
    'id',
    'transaktions id',
    'fitid',
    'bank reference',
  ],
  balance: [
    'balance',
    'saldo',
    'kontostand',
    'solde',
    'running balance',
    'saldo nach buchung',
    '残高',
    '差引残高',
  ],
};

/** Lower case, accents and punctuation removed: "Währung" -> "wahrung", "Amount (EUR)" -> "amount eur". */
export function normaliseTitle(title: string): string {
  return title
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

const CJK = /[\u3040-\u30ff\u4e00-\u9fff]/;

/** 3 for the exact title, 2 when the keyword is a whole word of it (or inside a Japanese title), else 0. */
export function keywordScore(normalised: string, keyword: string): number {
  if (normalised === keyword) return 3;
  if (CJK.test(keyword)) return normalised.includes(keyword) ? 2 : 0;
  return ` ${normalised} `.includes(` ${keyword} `) ? 2 : 0;
}
