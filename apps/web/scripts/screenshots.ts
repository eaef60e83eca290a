import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { go, hasChromium, signUp, startApp } from '../test/support/app.js';
import { seedDemoLedger } from '../test/support/demo-ledger.js';

/**
 * `npm run screenshots -w @kakeibo/web`: the main screens at phone size, with a demo ledger, into
 * docs/screenshots/ (shown in the README). The whole product as a person meets it: the built app,
 * served by a real `kakeibo serve`, in Debian's headless Chromium.
 */
const OUT = fileURLToPath(new URL('../../../docs/screenshots/', import.meta.url));

async function shoot(page: Page, name: string): Promise<void> {
  // Fonts, charts and the sync status settle; then the visible screen, not the whole scroll height.
  await page.evaluate(() => document.fonts.ready);
  await page.waitForTimeout(300);
  await page.screenshot({ path: `${OUT}${name}.png` });
  console.log(`docs/screenshots/${name}.png`);
}

async function main(): Promise<void> {
  if (!hasChromium) throw new Error('screenshots need Debian chromium at /usr/bin/chromium');
  mkdirSync(OUT, { recursive: true });
  const app = await startApp();
  try {
    const { page } = await app.device();
    await shoot(page, 'sign-in');
    await signUp(page, `demo-${Date.now()}@example.com`);
    await seedDemoLedger(page);
    await page
      .getByTestId('sync-status')
      .getByText(/All changes synced/)
      .waitFor({ timeout: 30_000 });

    await go(page, 'Home');
    await shoot(page, 'home');
    await go(page, 'Transactions');
    await page.getByTestId('entry').first().waitFor();
    await shoot(page, 'transactions');
    await page
      .getByRole('button', { name: /Bakery/ })
      .first()
      .click();
    await page.getByRole('dialog', { name: 'Edit entry' }).waitFor();
    await shoot(page, 'edit-entry');
    await page.keyboard.press('Escape');
    await go(page, 'Budgets');
    await shoot(page, 'budgets');
    await go(page, 'Reports');
    await shoot(page, 'reports');
    await page.goto(`${app.url}/inventory`);
    await page.getByRole('heading', { name: 'Inventory', level: 1 }).waitFor();
    await shoot(page, 'inventory');
    await go(page, 'Settings');
    await shoot(page, 'settings');
    await page.getByLabel('Theme').selectOption('dark');
    await go(page, 'Home');
    await shoot(page, 'home-dark');
  } finally {
    await app.close();
  }
}

main().catch((error: unknown) => {
  console.error(`screenshots: ${(error as Error).message}`);
  process.exit(1);
});
