import { useEffect, useState } from 'react';
import { defaultCurrency } from '../lib/money.js';

/**
 * Per-browser preferences (not ledger data, so not synced): theme, and the currency new entries start
 * with. Kept in localStorage; the theme is applied before the first paint (main.tsx) so it never flashes.
 */
export type Theme = 'system' | 'light' | 'dark';

export const locale = (): string => navigator.language || 'en-US';

export function savedTheme(): Theme {
  const t = localStorage.getItem('kakeibo.theme');
  return t === 'light' || t === 'dark' ? t : 'system';
}

export function applyTheme(theme: Theme): void {
  if (theme === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
}

export function useTheme(): [Theme, (theme: Theme) => void] {
  const [theme, setTheme] = useState(savedTheme);
  useEffect(() => {
    applyTheme(theme);
    if (theme === 'system') localStorage.removeItem('kakeibo.theme');
    else localStorage.setItem('kakeibo.theme', theme);
  }, [theme]);
  return [theme, setTheme];
}

export function preferredCurrency(): string {
  return localStorage.getItem('kakeibo.currency') ?? defaultCurrency(locale());
}

export function rememberCurrency(currency: string): void {
  localStorage.setItem('kakeibo.currency', currency);
}
