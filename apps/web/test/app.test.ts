import type { Locator, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AppHarness,
  addExpense,
  browserSuiteRuns,
  go,
  seedExpenses,
  signIn,
  signUp,
  startApp,
} from './support/app.js';
import { axeViolations } from './support/axe.js';
import { seedDemoLedger } from './support/demo-ledger.js';

/**
 * The app end to end, as people use it: the built PWA served by a real `kakeibo serve`, in Debian's
 * headless Chromium. Two browser contexts of one account are two devices.
 */
const runs = browserSuiteRuns('app.test.ts');

const text = (page: Page, testId: string) => page.getByTestId(testId).first().innerText();
const syncStatus = (page: Page) => page.getByTestId('sync-status').innerText();

describe.skipIf(!runs)('the Kakeibo app in Chromium', () => {
  let app: AppHarness;

  beforeAll(async () => {
    app = await startApp();
  }, 180_000);

  afterAll(async () => {
    await app?.close();
  });

  it('signs up, budgets, works offline across a reload, syncs to a second device, revokes it', async () => {
    const email = `e2e-${Date.now()}@example.com`;
    const a = await app.device();
    await signUp(a.page, email);

    // A monthly budget for all spending, then an expense: the progress moves.
    await go(a.page, 'Budgets');
    await a.page.getByLabel('Limit').fill('100.00');
    await a.page.getByRole('button', { name: 'Add budget' }).click();
    await expect.poll(() => text(a.page, 'budget-spent')).toBe('$0.00 of $100.00');
    await addExpenseFrom(a.page, 'Home', { amount: '12.50', payee: 'Bakery' });
    await go(a.page, 'Budgets');
    await expect.poll(() => text(a.page, 'budget-spent')).toBe('$12.50 of $100.00');
    expect(
      await a.page.getByRole('progressbar', { name: 'All spending budget' }).getAttribute('aria-valuenow'),
    ).toBe('12');
    await go(a.page, 'Home');
    await expect.poll(() => text(a.page, 'remaining')).toBe('$87.50 left');
    await expect.poll(() => syncStatus(a.page)).toMatch(/All changes synced/);

    // A second device of the same account, online all along.
    const b = await app.device();
    await signIn(b.page, email);
    await go(b.page, 'Transactions');
    await b.page.getByRole('button', { name: /Bakery/ }).waitFor();

    // Device A goes offline: new and edited entries stay on the device, waiting.
    await a.context.setOffline(true);
    await addExpense(a.page, { amount: '3.20', payee: 'Offline coffee' });
    await a.page.getByRole('button', { name: /Bakery/ }).click();
    const sheet = a.page.getByRole('dialog', { name: 'Edit entry' });
    await expect.poll(() => sheet.getByLabel('Amount').inputValue()).toBe('12.50');
    await sheet.getByLabel('Amount').fill('13.00');
    await sheet.getByRole('button', { name: 'Save' }).click();
    await sheet.waitFor({ state: 'hidden' });
    await expect.poll(() => syncStatus(a.page)).toMatch(/Offline · 2 changes waiting/);

    // Reload with no network: the service worker serves the app, the local store has the data.
    expect(await a.page.evaluate(() => navigator.onLine)).toBe(false);
    expect(await a.page.evaluate(() => navigator.serviceWorker.controller?.state)).toBe('activated');
    await a.page.reload();
    expect(await a.page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
    await a.page.getByRole('heading', { name: 'Home', level: 1 }).waitFor();
    await a.page.getByRole('button', { name: /Offline coffee/ }).waitFor();
    await a.page.getByRole('button', { name: /Bakery.*\$13\.00/ }).waitFor();
    await expect.poll(() => text(a.page, 'remaining')).toBe('$83.80 left');

    // Back online: the entries arrive on device B without a reload.
    await a.context.setOffline(false);
    await expect.poll(() => syncStatus(a.page), { timeout: 30_000 }).toMatch(/All changes synced/);
    await b.page.getByRole('button', { name: /Offline coffee/ }).waitFor({ timeout: 30_000 });
    await b.page.getByRole('button', { name: /Bakery.*\$13\.00/ }).waitFor({ timeout: 30_000 });

    // Device A revokes device B from settings: B ends up signed out, told why.
    await go(a.page, 'Settings');
    await expect.poll(() => a.page.getByTestId('device').count()).toBe(2);
    await a.page
      .getByTestId('device')
      .filter({ hasNot: a.page.getByText('This device') })
      .getByRole('button', { name: /Revoke/ })
      .click();
    await expect.poll(() => a.page.getByTestId('device').count()).toBe(1);
    await b.page.getByRole('heading', { name: 'Sign in' }).waitFor({ timeout: 30_000 });
    await b.page.getByRole('alert').filter({ hasText: 'Your data on this device is kept.' }).waitFor();
  });

  it('says when the server needs a newer app, keeps the changes, and syncs after the reload', async () => {
    const { context, page } = await app.device();
    await signUp(page, `e2e-update-${Date.now()}@example.com`);
    await expect.poll(() => syncStatus(page)).toMatch(/All changes synced/);

    // The server moved on to a protocol this copy of the app does not speak: sync is refused so.
    const refuse = (route: Route) =>
      route.fulfill({
        status: 400,
        contentType: 'application/problem+json',
        body: JSON.stringify({
          type: 'about:blank',
          title: 'Bad Request',
          status: 400,
          code: 'protocol.unsupported',
          detail: 'This server speaks Kakeibo protocol 3, not 2: update the app (or the server).',
        }),
      });
    await context.route('**/v1/sync/**', refuse);
    await addExpense(page, { amount: '4.20', payee: 'Newsagent' });
    await expect
      .poll(() => syncStatus(page), { timeout: 30_000 })
      .toBe('A newer version of Kakeibo is needed to sync · 1 change waiting on this device\nReload');

    // The new version is out (here: the server speaks this one again); the reload brings it.
    await context.unroute('**/v1/sync/**', refuse);
    await page.getByTestId('sync-status').getByRole('button', { name: 'Reload' }).click();
    await page.getByRole('heading', { name: 'Home', level: 1 }).waitFor();
    await expect.poll(() => syncStatus(page), { timeout: 30_000 }).toMatch(/All changes synced/);
    await page.getByRole('button', { name: /Newsagent/ }).waitFor();
  });

  it('says Offline the moment the network goes, and that the server cannot be reached when only it is down', async () => {
    const { context, page } = await app.device();
    await signUp(page, `e2e-reach-${Date.now()}@example.com`);
    await expect.poll(() => syncStatus(page), { timeout: 30_000 }).toMatch(/All changes synced/);
    // No round has to fail first: the bar follows the browser's network at once.
    await context.setOffline(true);
    await expect.poll(() => syncStatus(page), { timeout: 10_000 }).toBe('Offline');
    // Back online, sync runs again at once (and, if that first try is too early, after its backoff).
    await context.setOffline(false);
    await expect.poll(() => syncStatus(page), { timeout: 30_000 }).toMatch(/All changes synced/);

    // The network is up and only the server is down: said as that, not as being offline.
    const refuse = (route: Route) => route.abort('connectionrefused');
    await context.route('**/v1/**', refuse);
    await addExpense(page, { amount: '2.00', payee: 'Kiosk' });
    await expect
      .poll(() => syncStatus(page), { timeout: 30_000 })
      .toBe('Cannot reach the server, retrying · 1 change waiting');
    await context.unroute('**/v1/**', refuse);
    await expect.poll(() => syncStatus(page), { timeout: 90_000 }).toMatch(/All changes synced/);
  }, 150_000);

  it('says in words when the device clock is off, and that changes wait until it is fixed', async () => {
    const { page } = await app.device({ clockOffsetMs: 7 * 60_000 + 15_000 });
    await signUp(page, `e2e-clock-${Date.now()}@example.com`);
    await addExpense(page, { amount: '4.00', payee: 'Early bird' });
    // Once a round has been refused for the clock: said as the error it is, with what waits.
    const bar = page.getByTestId('sync-status');
    await expect
      .poll(async () => `${await bar.getAttribute('class')}: ${await bar.innerText()}`)
      .toMatch(
        /^sync sync-error: This device's clock is 7 minutes ahead: check its date and time\. Until then, changes made here cannot sync\. · \d+ changes? waiting$/,
      );
  });

  it('manages categories, filters and searches entries, reports them, links belongings to purchases', async () => {
    const { page } = await app.device();
    await signUp(page, `screens-${Date.now()}@example.com`);
    const today = new Date();
    const thisMonth = today.toISOString().slice(0, 7);
    const lastMonthDay = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - 1, 15))
      .toISOString()
      .slice(0, 10);
    const payees = async () => (await page.getByTestId('entry').allInnerTexts()).map((t) => t.split('\n')[0]);

    // Categories: on a phone they are reached from Settings.
    await go(page, 'Settings');
    await page.getByRole('link', { name: /Categories/ }).click();
    await page.getByRole('heading', { name: 'Categories', level: 1 }).waitFor();
    const form = page.getByRole('form', { name: 'New category' });
    await form.getByLabel('Name').fill('Food');
    await form.getByRole('button', { name: 'Add category' }).click();
    await page.getByRole('textbox', { name: 'Category name' }).first().waitFor();
    await form.getByLabel('Name').fill('Salary');
    await form.getByLabel('Kind').selectOption('income');
    await form.getByRole('button', { name: 'Add category' }).click();
    const names = page.getByLabel('Category name');
    await expect
      .poll(() => names.evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value)))
      .toEqual(['Food', 'Salary']);

    // Three entries: this month's in a category, last month's without one, and an income.
    await go(page, 'Transactions');
    await addExpense(page, { amount: '20.00', payee: 'Market', category: 'Food' });
    await addExpense(page, { amount: '7.00', payee: 'Old cinema', date: lastMonthDay });
    await addExpense(page, { amount: '1000.00', payee: 'Acme payroll', category: 'Salary', kind: 'income' });
    await expect.poll(async () => (await payees()).sort()).toEqual(['Acme payroll', 'Market', 'Old cinema']);
    const income = page.getByTestId('entry').filter({ hasText: 'Acme payroll' });
    expect(await income.innerText()).toMatch(/\+\$1,000\.00/);

    // Search, month and category filters, each alone.
    await page.getByLabel('Search').fill('CINE');
    await expect.poll(payees).toEqual(['Old cinema']);
    await page.getByLabel('Search').fill('');
    await page.getByLabel('Month').fill(thisMonth);
    await expect.poll(async () => (await payees()).sort()).toEqual(['Acme payroll', 'Market']);
    await page.getByLabel('Month').fill('');
    await page.getByLabel('Category').selectOption({ label: 'Food' });
    await expect.poll(payees).toEqual(['Market']);
    await page.getByLabel('Category').selectOption({ label: 'All' });

    // Delete takes one tap (Undo is offered instead of a second one); the entry leaves the list.
    // (It is recreated below for reports.)
    await page.getByRole('button', { name: /Old cinema/ }).click();
    const editing = page.getByRole('dialog', { name: 'Edit entry' });
    await editing.getByRole('button', { name: 'Delete' }).click();
    await editing.waitFor({ state: 'hidden' });
    await expect.poll(async () => (await payees()).sort()).toEqual(['Acme payroll', 'Market']);
    await expect.poll(() => page.getByTestId('undo-bar').innerText()).toMatch(/^Expense deleted\s+Undo/);
    await addExpense(page, { amount: '7.00', payee: 'Old cinema', date: lastMonthDay });

    // Reports: by category this month, the trend, income against expenses (their text summaries).
    await go(page, 'Reports');
    const byCategory = page.getByRole('figure', { name: /Spending by category/ });
    await expect.poll(() => byCategory.innerText()).toMatch(/Food\s+\$20\.00/);
    const label = (name: RegExp) => async () =>
      (await page.getByRole('img', { name }).getAttribute('aria-label')) ?? '';
    await expect.poll(label(/^Spending per month/)).toMatch(/Spent \$7\.00; [^;]+ Spent \$20\.00$/);
    await expect.poll(label(/^Income and expenses/)).toMatch(/Income \$1,000\.00, Expenses \$20\.00$/);

    // A belonging bought with this month's expense, and back to that purchase from it.
    await go(page, 'Settings');
    await page.getByRole('link', { name: /Inventory/ }).click();
    await page.getByRole('heading', { name: 'Inventory', level: 1 }).waitFor();
    const item = page.getByRole('form', { name: 'Add a belonging' });
    await item.getByLabel('Name').fill('Blender');
    const purchase = item.getByLabel('Purchase');
    await purchase.selectOption({ label: await optionLabel(purchase, /Market/) });
    await expect.poll(() => item.getByLabel('Price').inputValue()).toBe('20.00');
    await item.getByRole('button', { name: /Add/ }).click();
    const belonging = page.getByTestId('inventory-item').filter({ hasText: 'Blender' });
    await expect.poll(() => belonging.innerText()).toMatch(/\$20\.00/);
    await belonging.getByRole('button', { name: 'View purchase' }).click();
    const sheet = page.getByRole('dialog', { name: 'Edit entry' });
    await expect.poll(() => sheet.getByLabel('Payee').inputValue()).toBe('Market');
    await sheet.getByRole('button', { name: 'Close' }).click();
    // Deleting a belonging takes one tap, like every deletion, and is offered for undo.
    await belonging.getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => page.getByTestId('inventory-item').count()).toBe(0);
    await page.getByTestId('undo-bar').getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => page.getByTestId('inventory-item').count()).toBe(1);
    // Edited, not only deleted: the form shows its details, and Save writes what changed.
    await belonging.getByRole('button', { name: 'Edit Blender' }).click();
    const edit = page.getByRole('form', { name: 'Edit Blender' });
    await expect.poll(() => edit.getByLabel('Price').inputValue()).toBe('20.00');
    await edit.getByLabel('Location').fill('Kitchen');
    await edit.getByLabel('Warranty ends').fill('2030-01-31');
    await edit.getByRole('button', { name: 'Save belonging' }).click();
    await page.getByRole('form', { name: 'Add a belonging' }).waitFor();
    await expect.poll(() => belonging.innerText()).toMatch(/Warranty until .*2030 · Kitchen/);
    await expect.poll(() => page.getByTestId('undo-bar').innerText()).toMatch(/Blender saved/);

    // The dark theme, kept across a reload.
    await go(page, 'Settings');
    await page.getByLabel('Theme').selectOption('dark');
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await page.reload();
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
  });

  it('passes axe’s WCAG 2.1 AA checks (names, roles, contrast) on every screen, light and dark', async () => {
    const { page } = await app.device();
    const failures: string[] = [];
    const audit = async (where: string) => failures.push(...(await axeViolations(page, where)));
    await audit('sign in');
    await signUp(page, `a11y-${Date.now()}@example.com`);
    await seedDemoLedger(page);
    for (const theme of ['light', 'dark'] as const) {
      await go(page, 'Settings');
      await page.getByLabel('Theme').selectOption(theme);
      for (const screen of ['Home', 'Transactions', 'Budgets', 'Reports', 'Settings']) {
        await go(page, screen);
        await audit(`${screen} (${theme})`);
      }
      for (const path of ['categories', 'inventory']) {
        await page
          .getByRole('link', { name: new RegExp(path, 'i') })
          .first()
          .click();
        await page
          .getByRole('heading', { level: 1 })
          .filter({ hasText: new RegExp(path, 'i') })
          .waitFor();
        await audit(`${path} (${theme})`);
        await go(page, 'Settings');
      }
      await go(page, 'Transactions');
      await page.getByTestId('entry').first().click();
      await page.getByRole('dialog', { name: 'Edit entry' }).waitFor();
      await audit(`entry sheet (${theme})`);
      await page.keyboard.press('Escape');
    }
    expect(failures).toEqual([]);
  });

  it('keeps only a window of rows in the DOM while 100,000 entries scroll', async () => {
    const c = await app.device();
    await signUp(c.page, `big-${Date.now()}@example.com`);
    // Offline, so the 100,000 local entries stay on this device (the test is about the list).
    await c.context.setOffline(true);
    await seedExpenses(c.page, 100_000);
    await go(c.page, 'Transactions');
    const list = c.page.getByTestId('transaction-list');
    const rows = list.getByTestId('entry');
    await rows.first().waitFor();
    // The newest day's entries come first (within a day, by id): the last 12 of the 100,000.
    const first = Number(/Payee (\d+)/.exec(await rows.first().innerText())?.[1]);
    expect(first).toBeGreaterThanOrEqual(99_988);
    const inDom = await rows.count();
    expect(inDom).toBeGreaterThan(5);
    expect(inDom).toBeLessThan(60);

    // Scrolling to the end of what is loaded pulls a further page each time (the list grows: wait for
    // that, not for a while); the DOM stays a window.
    const height = () => list.evaluate((el) => el.scrollHeight);
    for (let i = 0; i < 5; i++) {
      const before = await height();
      await list.evaluate((el) => el.scrollTo(0, el.scrollHeight));
      await expect.poll(height, { timeout: 30_000 }).toBeGreaterThan(before);
    }
    expect((await height()) / 64).toBeGreaterThan(400);
    expect(await rows.count()).toBeLessThan(60);
    // The rows on screen now are hundreds of entries down the ledger.
    const shown = (await rows.allInnerTexts()).map((t) => Number(/Payee (\d+)/.exec(t)?.[1]));
    expect(Math.max(...shown)).toBeLessThan(99_700);
  }, 300_000);
});

/** The text of the first option of a select whose text matches. */
async function optionLabel(select: Locator, match: RegExp): Promise<string> {
  const labels = await select.locator('option').allInnerTexts();
  const label = labels.find((l) => match.test(l));
  if (!label) throw new Error(`no option matches ${match}: ${labels.join(' | ')}`);
  return label;
}

async function addExpenseFrom(page: Page, screen: string, entry: { amount: string; payee: string }) {
  await go(page, screen);
  await addExpense(page, entry);
}
