import { useEffect, useState } from 'react';
import { defaultCurrency } from '../lib/money.js';
import { applyTheme, savedTheme, saveTheme, type Theme } from '../lib/theme.js';

/**
 * Per-browser preferences (not ledger data, so not synced): the theme (lib/theme.ts), and the
 * currency new entries start with, kept in localStorage.
 */
export type { Theme } from '../lib/theme.js';

export const locale = (): string => navigator.language || 'en-US';

export function useTheme(): [Theme, (theme: Theme) => void] {
  const [theme, setTheme] = useState(savedTheme);
  useEffect(() => {
    applyTheme(theme);
    saveTheme(theme);
  }, [theme]);
  return [theme, setTheme];
}

export function preferredCurrency(): string {
  return localStorage.getItem('kakeibo.currency') ?? defaultCurrency(locale());
}

export function rememberCurrency(currency: string): void {
  localStorage.setItem('kakeibo.currency', currency);
}
