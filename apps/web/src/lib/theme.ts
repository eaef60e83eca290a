/**
 * The theme, a per-browser preference kept in localStorage (not ledger data, so not synced). Applied
 * before the first paint (main.tsx), so it never flashes; no React here, so the start-up chunk stays
 * small.
 */
export type Theme = 'system' | 'light' | 'dark';

export function savedTheme(): Theme {
  const t = localStorage.getItem('kakeibo.theme');
  return t === 'light' || t === 'dark' ? t : 'system';
}

/** `system` follows the device (CSS light-dark()); the others pin one. */
export function applyTheme(theme: Theme): void {
  if (theme === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
}

export function saveTheme(theme: Theme): void {
  if (theme === 'system') localStorage.removeItem('kakeibo.theme');
  else localStorage.setItem('kakeibo.theme', theme);
}
