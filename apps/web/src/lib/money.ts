import { CURRENCY_CODES, formatAmount, parseAmount } from '@kakeibo/core';

/**
 * Money in the app goes through core's exact helpers: typed text → integer minor units with the
 * locale's own separators (parseAmount), minor units → text (formatAmount). No float ever holds an amount.
 */
export const CURRENCIES = CURRENCY_CODES;

export function money(amount: number, currency: string, locale: string): string {
  try {
    return formatAmount(amount, currency, locale);
  } catch {
    return `${amount} ${currency}`;
  }
}

/** Minor units from what a person typed, or the reason it cannot be read. */
export function readAmount(
  text: string,
  currency: string,
  locale: string,
): { amount: number } | { error: string } {
  try {
    const amount = parseAmount(text, currency, locale);
    if (amount <= 0) return { error: 'Enter an amount above zero.' };
    return { amount };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/**
 * Minor units from what a person typed where zero and negative amounts make sense (an account's
 * opening balance: a card starts in debt); an empty field is zero.
 */
export function readSignedAmount(
  text: string,
  currency: string,
  locale: string,
): { amount: number } | { error: string } {
  if (text.trim() === '') return { amount: 0 };
  try {
    // A typographic minus (U+2212) is what formatAmount writes; read it like '-'.
    return { amount: parseAmount(text.replace(/\u2212/g, '-'), currency, locale) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/** Minor units back to the text a person would type in `locale` (for editing), without symbol. */
export function amountInput(amount: number, currency: string, locale: string): string {
  return formatAmount(amount, currency, locale, { display: 'none' });
}

/** The currency a new person most likely uses, from their locale (EUR when it cannot tell). */
export function defaultCurrency(locale: string): string {
  const region = new Intl.Locale(locale).maximize().region ?? '';
  return REGION_CURRENCY[region] ?? 'EUR';
}

const REGION_CURRENCY: Record<string, string> = {
  US: 'USD',
  GB: 'GBP',
  JP: 'JPY',
  CH: 'CHF',
  CA: 'CAD',
  AU: 'AUD',
  NZ: 'NZD',
  IN: 'INR',
  CN: 'CNY',
  SE: 'SEK',
  NO: 'NOK',
  DK: 'DKK',
  PL: 'PLN',
  CZ: 'CZK',
  HU: 'HUF',
  BR: 'BRL',
  MX: 'MXN',
  KR: 'KRW',
  SG: 'SGD',
  HK: 'HKD',
  ZA: 'ZAR',
  TR: 'TRY',
  IL: 'ILS',
  AE: 'AED',
  BH: 'BHD',
};
