import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AppHarness,
  addExpense,
  browserSuiteRuns,
  go,
  signIn,
  signUp,
  startApp,
} from './support/app.js';
import { axeViolations } from './support/axe.js';

/**
 * The ledger's screens end to end (issue 16): accounts and their balances, transfers, the entry
 * sheet's account, tags and payment method, undo and redo after every change, budgets edited in
 * place, home currency and exchange rates. The built PWA on a real `kakeibo serve`, in Chromium.
 */
const runs = browserSuiteRuns('ledger.test.ts');

const WIDE = { width: 1280, height: 900 };
const undoBar = (page: Page) => page.getByTestId('undo-bar');
const undoText = (page: Page) => undoBar(page).locator('.undo-text').innerText();

/** The page's SDK (`window.kakeibo`), for what a test sets up or changes behind the screen's back. */
type PageKakeibo = Record<string, Record<string, (...args: unknown[]) => Promise<unknown>>>;

async function addAccount(
  page: Page,
  account: { name: string; kind?: string; currency: string; opening: string; date?: string },
) {
  await page.getByRole('button', { name: 'Add an account' }).click();
  const sheet = page.getByRole('dialog', { name: 'New account' });
  await sheet.getByLabel('Name').fill(account.name);
  if (account.kind) await sheet.getByLabel('Kind').selectOption({ label: account.kind });
  await sheet.getByLabel('Currency').selectOption(account.currency);
  await sheet.getByLabel('Opening balance').fill(account.opening);
  if (account.date) await sheet.getByLabel('Opening date').fill(account.date);
  await sheet.getByRole('button', { name: 'Add account' }).click();
  await sheet.waitFor({ state: 'hidden' });
}

/** An open account's link on Home (named by its text: name, kind · currency, balance). */
const accountLink = (page: Page, name: string) =>
  page.getByRole('list', { name: 'Open accounts' }).getByRole('link', { name: new RegExp(`^${name} `) });

/** "Name, balance" of an account's line on Home. */
const linkName = async (link: Locator) =>
  `${(await link.locator('.entry-party').innerText()).trim()}, ${await link.getByTestId('account-line-balance').innerText()}`;

describe.skipIf(!runs)('the ledger screens in Chromium', () => {
  let app: AppHarness;

  beforeAll(async () => {
    app = await startApp();
  }, 180_000);

  afterAll(async () => {
    await app?.close();
  });

  it('adds accounts on Home with balances, records entries and a two-currency transfer in them, edits and archives one', async () => {
    const { page } = await app.device();
    await signUp(page, `accounts-${Date.now()}@example.com`);
    await addAccount(page, { name: 'Checking', currency: 'USD', opening: '1,000.00' });
    await addAccount(page, { name: 'Card', kind: 'Credit card', currency: 'USD', opening: '-250.00' });
    await addAccount(page, { name: 'Yen wallet', kind: 'Cash', currency: 'JPY', opening: '5000' });
    await expect.poll(() => linkName(accountLink(page, 'Checking'))).toBe('Checking, $1,000.00');
    expect(await linkName(accountLink(page, 'Card'))).toBe('Card, -$250.00');
    expect(await linkName(accountLink(page, 'Yen wallet'))).toBe('Yen wallet, ¥5,000');

    // An expense paid from Checking, with tags and a payment method: the balance follows.
    await page.getByRole('button', { name: 'Add an entry' }).click();
    const sheet = page.getByRole('dialog', { name: 'New entry' });
    await sheet.getByLabel('Amount').fill('12.50');
    await sheet.getByLabel('Payee').fill('Bakery');
    await sheet.getByLabel('Account').selectOption({ label: 'Checking (USD)' });
    await sheet.getByLabel('Tags').fill('food, weekend , food');
    await sheet.getByLabel('Payment method').selectOption({ label: 'Card' });
    await sheet.getByRole('button', { name: 'Add', exact: true }).click();
    await sheet.waitFor({ state: 'hidden' });
    await expect.poll(() => linkName(accountLink(page, 'Checking'))).toBe('Checking, $987.50');

    // Into the account: its balance and its entries; the entry keeps account, tags and payment method.
    await accountLink(page, 'Checking').click();
    await page.getByRole('heading', { name: 'Account', level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'Checking', level: 2 }).waitFor();
    expect(await page.getByTestId('account-balance').innerText()).toBe('$987.50');
    await page.getByRole('button', { name: /Bakery/ }).click();
    const editing = page.getByRole('dialog', { name: 'Edit entry' });
    await expect.poll(() => editing.getByLabel('Tags').inputValue()).toBe('food, weekend');
    expect(await editing.getByLabel('Payment method').inputValue()).toBe('card');
    expect(await editing.getByRole('combobox', { name: 'Account' }).inputValue()).not.toBe('');
    await editing.getByRole('button', { name: 'Close' }).click();

    // Money moved from Checking to the yen wallet: two currencies, so both amounts.
    await page.getByRole('button', { name: 'Move money' }).click();
    const transfer = page.getByRole('dialog', { name: 'New transfer' });
    await transfer.getByLabel(/^To/).selectOption({ label: 'Yen wallet (JPY)' });
    await transfer.getByLabel('Amount sent').fill('100.00');
    await transfer.getByLabel('Amount received').fill('15,000');
    await transfer.getByRole('button', { name: 'Move money' }).click();
    await transfer.waitFor({ state: 'hidden' });
    await expect.poll(() => page.getByTestId('account-balance').innerText()).toBe('$887.50');
    const rows = page.getByRole('list', { name: 'Entries of Checking' }).getByRole('button');
    await expect.poll(() => rows.allInnerTexts()).toHaveLength(2);
    expect((await rows.first().innerText()).split('\n')).toContain('Transfer to Yen wallet');
    expect(await rows.first().innerText()).toMatch(/−\$100\.00$/);
    expect(await undoText(page)).toBe('Transfer added');

    // Edit the account in place, then archive it: still readable, shown apart on Home.
    await page.getByRole('button', { name: 'Edit account' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit account' });
    await edit.getByLabel('Name').fill('Everyday');
    await edit.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { name: 'Everyday', level: 2 }).waitFor();
    await page.getByRole('button', { name: 'Archive account' }).click();
    await page.getByRole('button', { name: 'Reopen account' }).waitFor();
    expect(await page.getByTestId('account-balance').innerText()).toBe('$887.50');
    // Archived: no new entries from here.
    expect(await page.getByRole('button', { name: 'Add an entry' }).count()).toBe(0);
    await go(page, 'Home');
    const archived = page.getByRole('list', { name: 'Archived accounts' }).getByRole('link');
    await expect.poll(() => archived.allInnerTexts()).toHaveLength(1);
    expect(await linkName(archived.first())).toBe('Everyday, $887.50');
    expect(await linkName(accountLink(page, 'Yen wallet'))).toBe('Yen wallet, ¥20,000');
    await expect
      .poll(() => page.getByRole('list', { name: 'Open accounts' }).getByRole('link').count())
      .toBe(2);

    // The yen wallet's page shows the same transfer from its side.
    await accountLink(page, 'Yen wallet').click();
    await page.getByRole('heading', { name: 'Yen wallet', level: 2 }).waitFor();
    const yen = page.getByRole('list', { name: 'Entries of Yen wallet' }).getByRole('button');
    await expect.poll(() => yen.first().innerText()).toMatch(/Transfer from Everyday[\s\S]*\+¥15,000$/);
  });

  it('offers Undo after every change, then Redo, deletes on the first tap, and says what an undo left', async () => {
    const email = `undo-${Date.now()}@example.com`;
    const a = await app.device();
    await signUp(a.page, email);
    await go(a.page, 'Transactions');
    // Offline for undo and redo alone: they are this device's, and need no server.
    await a.context.setOffline(true);
    await addExpense(a.page, { amount: '4.00', payee: 'Kiosk' });
    await expect.poll(() => undoText(a.page)).toBe('Expense added');

    // Undo removes it; Redo brings it back.
    const entries = a.page.getByTestId('entry');
    await expect.poll(() => entries.count()).toBe(1);
    await undoBar(a.page).getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => entries.count()).toBe(0);
    expect(await undoText(a.page)).toBe('Undone: Expense added');
    await undoBar(a.page).getByRole('button', { name: 'Redo' }).click();
    await expect.poll(() => entries.count()).toBe(1);
    await expect.poll(() => undoText(a.page)).toBe('Redone: Expense added');

    // A deletion happens on the first tap, and Undo restores it.
    await a.page.getByRole('button', { name: /Kiosk/ }).click();
    await a.page.getByRole('dialog', { name: 'Edit entry' }).getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => entries.count()).toBe(0);
    expect(await undoText(a.page)).toBe('Expense deleted');
    await undoBar(a.page).getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => entries.count()).toBe(1);

    // An edit here, then a newer edit of the same field on another device: the undo leaves it, and says so.
    await a.context.setOffline(false);
    await a.page.getByRole('button', { name: /Kiosk/ }).click();
    const sheet = a.page.getByRole('dialog', { name: 'Edit entry' });
    await expect.poll(() => sheet.getByLabel('Amount').inputValue()).toBe('4.00');
    await sheet.getByLabel('Amount').fill('5.00');
    await sheet.getByLabel('Note').fill('with a paper');
    await sheet.getByRole('button', { name: 'Save' }).click();
    await sheet.waitFor({ state: 'hidden' });
    expect(await undoText(a.page)).toBe('Expense saved');
    await expect
      .poll(() => a.page.getByTestId('sync-status').innerText(), { timeout: 30_000 })
      .toMatch(/All changes synced/);

    const b = await app.device();
    await signIn(b.page, email);
    await go(b.page, 'Transactions');
    await b.page.getByRole('button', { name: /Kiosk.*\$5\.00/ }).click({ timeout: 30_000 });
    const other = b.page.getByRole('dialog', { name: 'Edit entry' });
    await expect.poll(() => other.getByLabel('Amount').inputValue()).toBe('5.00');
    await other.getByLabel('Amount').fill('6.00');
    await other.getByRole('button', { name: 'Save' }).click();
    await a.page.getByRole('button', { name: /Kiosk.*\$6\.00/ }).waitFor({ timeout: 30_000 });
    // (Once the round that brought it has ended: see the report on verify racing local writes.)
    await expect.poll(() => a.page.getByTestId('sync-status').innerText()).toMatch(/All changes synced/);

    await undoBar(a.page).getByRole('button', { name: 'Undo' }).click();
    await expect
      .poll(() => undoText(a.page))
      .toBe(
        'Undone: Expense saved But the amount was changed since, on another device, so it was left as it is.',
      );
    // The note, changed only here, went back; the amount stayed as the other device set it.
    await a.page.getByRole('button', { name: /Kiosk.*\$6\.00/ }).click();
    const after = a.page.getByRole('dialog', { name: 'Edit entry' });
    await expect.poll(() => after.getByLabel('Amount').inputValue()).toBe('6.00');
    expect(await after.getByLabel('Note').inputValue()).toBe('');
  });

  it('lists recurring entries from the navigation, writes what is due, shows upcoming ones, skips one, deletes a rule', async () => {
    const { page } = await app.device({ viewport: WIDE });
    await signUp(page, `recurring-${Date.now()}@example.com`);
    const day = (offset: number) =>
      page.evaluate((n) => {
        const d = new Date(Date.now() + n * 86_400_000);
        return d.toISOString().slice(0, 10);
      }, offset);
    await go(page, 'Recurring');
    const form = page.getByRole('form', { name: 'New recurring entry' });

    // Weekly from two weeks ago: three occurrences are due (two weeks ago, last week, today).
    await form.getByLabel('Amount').fill('30.00');
    await form.getByLabel('Payee').fill('Cleaner');
    await form.getByLabel('Repeat').selectOption('week');
    await form.getByLabel('Starts').fill(await day(-14));
    await form.getByRole('button', { name: 'Add recurring entry' }).click();
    await expect.poll(() => undoText(page)).toBe('Recurring entry added');

    // Monthly income on day 28, from tomorrow, ending in a year.
    await form.getByText('Income', { exact: true }).click();
    await form.getByLabel('Amount').fill('2,500.00');
    await form.getByLabel('Source').fill('Salary');
    await form.getByLabel('Repeat').selectOption('month');
    await form.getByLabel('Day of month').fill('28');
    await form.getByLabel('Starts').fill(await day(1));
    await form.getByLabel('Ends (optional)').fill(await day(365));
    await form.getByRole('button', { name: 'Add recurring entry' }).click();

    const rules = page.getByTestId('rule');
    await expect.poll(() => rules.count()).toBe(2);
    const cleaner = rules.filter({ hasText: 'Cleaner' });
    const salary = rules.filter({ hasText: 'Salary' });
    expect(await cleaner.innerText()).toMatch(/Every week, from/);
    expect(await salary.innerText()).toMatch(/Every month on day 28, from .* until /);

    // What was due was written as ordinary entries.
    await go(page, 'Transactions');
    await expect.poll(() => page.getByTestId('entry').filter({ hasText: 'Cleaner' }).count()).toBe(3);
    await go(page, 'Recurring');

    // Upcoming: the next weekly dates (the first a week from today); skipping one takes it out.
    const upcoming = cleaner.getByTestId('occurrence');
    await expect.poll(() => upcoming.count()).toBe(4);
    const [first, second] = (await upcoming.allInnerTexts()).map((t) => t.split('\n')[0]);
    await upcoming.first().getByRole('button', { name: /^Skip/ }).click();
    await expect.poll(async () => (await upcoming.allInnerTexts())[0]?.split('\n')[0]).toBe(second);
    expect(await undoText(page)).toBe(`Cleaner on ${first} skipped`);
    await expect.poll(() => salary.getByTestId('occurrence').count()).toBeGreaterThan(0);
    expect((await salary.getByTestId('occurrence').first().innerText()).split('\n')[0]).toMatch(/\b28\b/);

    // Deleting a rule takes one tap, and can be undone.
    await salary.getByRole('button', { name: /Delete rule/ }).click();
    await expect.poll(() => rules.count()).toBe(1);
    await undoBar(page).getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => rules.count()).toBe(2);

    expect(await axeViolations(page, 'recurring')).toEqual([]);
  });

  it('edits a budget in place, shows the alert threshold crossed and what other currencies leave out, until a rate is added', async () => {
    const { page } = await app.device();
    await signUp(page, `budgets-${Date.now()}@example.com`);
    await go(page, 'Budgets');
    await page.getByLabel('Limit').fill('100.00');
    await page.getByRole('button', { name: 'Add budget' }).click();
    await expect.poll(() => page.getByTestId('budget-spent').innerText()).toBe('$0.00 of $100.00');
    await go(page, 'Home');
    await addExpense(page, { amount: '85.00', payee: 'Groceries' });
    await go(page, 'Budgets');
    await expect
      .poll(() => page.getByTestId('budget-alert').innerText())
      .toBe('85% spent: past the 80% alert you set.');
    await page
      .getByRole('alert')
      .filter({ hasText: 'One budget has reached its alert threshold.' })
      .waitFor();

    // Edited in place: limit, rollover and threshold.
    await page.getByRole('button', { name: 'Edit the All spending budget' }).click();
    const edit = page.getByRole('form', { name: 'Edit the All spending budget' });
    await edit.getByLabel('Limit').fill('200.00');
    await edit.getByLabel('Alert at (% spent)').fill('40');
    await edit.getByLabel(/Roll over/).check();
    await edit.getByRole('button', { name: 'Save budget' }).click();
    await expect.poll(() => page.getByTestId('budget-spent').innerText()).toBe('$85.00 of $200.00');
    expect(await page.getByTestId('budget').innerText()).toMatch(/rolls over/);
    expect(await page.getByTestId('budget-alert').innerText()).toBe('42% spent: past the 40% alert you set.');
    expect(await undoText(page)).toBe('Budget saved');

    // Spending in yen, with no rate to dollars: said in words, not silently dropped.
    await page.evaluate(async () => {
      const kb = (window as unknown as { kakeibo: PageKakeibo }).kakeibo;
      const today = new Date().toISOString().slice(0, 10);
      await kb.expenses?.create?.({ amount: 1_000, currency: 'JPY', date: today, payee: 'Ramen' });
    });
    await expect
      .poll(() => page.getByTestId('left-out').innerText())
      .toBe(
        'Not counted: ¥1,000 (1 entry), because no exchange rate from JPY to USD is entered for their date or before. Add one in Settings, under Exchange rates.',
      );

    // A rate entered while the budget is on screen (as if from another device): it re-reads.
    await page.evaluate(async () => {
      const kb = (window as unknown as { kakeibo: PageKakeibo }).kakeibo;
      await kb.rates?.create?.({ currency: 'JPY', toCurrency: 'USD', date: '2026-01-01', rate: '0.0065' });
    });
    await expect.poll(() => page.getByTestId('budget-spent').innerText()).toBe('$91.50 of $200.00');
    expect(await page.getByTestId('left-out').count()).toBe(0);
  });

  it('sets the home currency and exchange rates in Settings; Home converts with them and re-reads when they change', async () => {
    const { page } = await app.device();
    await signUp(page, `rates-${Date.now()}@example.com`);
    await addExpense(page, { amount: '10.00', payee: 'Diner' });
    await page.evaluate(async () => {
      const kb = (window as unknown as { kakeibo: PageKakeibo }).kakeibo;
      const today = new Date().toISOString().slice(0, 10);
      await kb.expenses?.create?.({ amount: 2_000, currency: 'JPY', date: today, payee: 'Sushi' });
    });

    await go(page, 'Settings');
    await page.getByRole('combobox', { name: /^Home currency/ }).selectOption('USD');
    await expect.poll(() => undoText(page)).toBe('Home currency set to USD');
    const rates = page.getByRole('form', { name: 'Add a rate' });
    await rates.getByRole('combobox', { name: /^From/ }).selectOption('EUR');
    await rates.getByLabel('Rate').fill('1,08');
    await rates.getByRole('button', { name: 'Add rate' }).click();
    await expect
      .poll(() => rates.getByRole('alert').innerText())
      .toBe("Rate: write how many USD one EUR buys, with a '.' for decimals, such as 0.9215.");
    await rates.getByLabel('Rate').fill('1.08');
    await rates.getByLabel('From date').fill('2026-01-01');
    await rates.getByRole('button', { name: 'Add rate' }).click();
    const listed = page.getByTestId('rate');
    await expect.poll(() => listed.allInnerTexts()).toHaveLength(1);
    expect(await listed.first().innerText()).toMatch(/^1 EUR = 1\.08 USD from Jan 1, 2026\n/);
    await listed.getByRole('button', { name: /Delete/ }).click();
    await expect.poll(() => listed.count()).toBe(0);
    await undoBar(page).getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => listed.count()).toBe(1);

    // Home: this month in dollars, the yen left out and said so.
    await go(page, 'Home');
    await expect.poll(() => page.getByTestId('converted-spent').innerText()).toBe('$10.00');
    await expect
      .poll(() => page.getByTestId('left-out').innerText())
      .toMatch(/^Not counted: ¥2,000 spent \(1 entry\)/);

    // A yen rate and a new home currency arrive while Home is on screen: it re-reads both.
    await page.evaluate(async () => {
      const kb = (window as unknown as { kakeibo: PageKakeibo }).kakeibo;
      await kb.rates?.create?.({ currency: 'JPY', toCurrency: 'USD', date: '2026-01-01', rate: '0.0065' });
    });
    await expect.poll(() => page.getByTestId('converted-spent').innerText()).toBe('$23.00');
    expect(await page.getByTestId('left-out').count()).toBe(0);
    await page.evaluate(async () => {
      const kb = (window as unknown as { kakeibo: PageKakeibo }).kakeibo;
      await kb.profile?.set?.({ defaultCurrency: 'EUR' });
    });
    // In euros: the dollars and yen have no rate into EUR.
    await expect.poll(() => page.getByTestId('converted-spent').innerText()).toBe('€0.00');
    await expect
      .poll(() => page.getByTestId('left-out').innerText())
      .toMatch(
        /^Not counted: ¥2,000 spent \(1 entry\), \$10\.00 spent \(1 entry\), because no exchange rate from JPY and USD to EUR/,
      );
  });

  it('splits an entry among categories in the sheet, counts each part in Reports, and unsplits it', async () => {
    const { page } = await app.device();
    await signUp(page, `split-${Date.now()}@example.com`);
    await page.evaluate(async () => {
      const kb = (window as unknown as { kakeibo: PageKakeibo }).kakeibo;
      await kb.categories?.create?.({ name: 'Food', kind: 'expense' });
      await kb.categories?.create?.({ name: 'Household', kind: 'expense' });
    });
    const failures: string[] = [];
    await page.getByRole('button', { name: 'Add an entry' }).click();
    const sheet = page.getByRole('dialog', { name: 'New entry' });
    await sheet.getByLabel('Amount', { exact: true }).fill('10.00');
    await sheet.getByLabel('Payee').fill('Supermarket');
    await sheet.getByRole('combobox', { name: /^Category/ }).selectOption({ label: 'Food' });
    await sheet.getByRole('button', { name: 'Split among categories' }).click();
    // The whole amount starts in the entry's category; the status line follows every keystroke.
    const status = sheet.getByTestId('split-status');
    expect(await sheet.getByLabel('Amount of part 1').inputValue()).toBe('10.00');
    expect(await status.innerText()).toBe('The parts add up to the amount.');
    await sheet.getByLabel('Amount of part 1').fill('6.00');
    await expect.poll(() => status.innerText()).toBe('$4.00 left to assign.');
    await sheet.getByRole('combobox', { name: /^Category of part 2/ }).selectOption({ label: 'Household' });
    await sheet.getByLabel('Amount of part 2').fill('3.00');
    await expect.poll(() => status.innerText()).toBe('$1.00 left to assign.');
    failures.push(...(await axeViolations(page, 'entry sheet with split parts')));
    await sheet.getByRole('button', { name: 'Add', exact: true }).click();
    await sheet
      .getByRole('alert')
      .filter({
        hasText:
          'The parts must add up to the amount, $10.00: $1.00 left to assign. Change a part or the amount.',
      })
      .waitFor();
    await sheet.getByLabel('Amount of part 2').fill('4.00');
    await sheet.getByLabel('Note of part 2').fill('soap');
    await sheet.getByRole('button', { name: 'Add', exact: true }).click();
    await sheet.waitFor({ state: 'hidden' });
    await expect.poll(() => undoText(page)).toBe('Expense added');

    // Reports count each part under its own category.
    const byCategory = page.getByRole('figure', { name: /^Spending by category/ });
    const bars = async () =>
      (await byCategory.locator('.bar-list-head').allInnerTexts()).map((t) => t.replace(/\s+/g, ' '));
    await go(page, 'Reports');
    await expect.poll(bars).toEqual(['Food $6.00', 'Household $4.00']);

    // Opened again, the parts are there; removing both makes it one entry in Food again.
    await go(page, 'Transactions');
    await page.getByRole('button', { name: /Supermarket/ }).click();
    const edit = page.getByRole('dialog', { name: 'Edit entry' });
    await expect.poll(() => edit.getByLabel('Note of part 2').inputValue()).toBe('soap');
    expect(await edit.getByLabel('Amount of part 1').inputValue()).toBe('6.00');
    await edit.getByRole('button', { name: 'Remove part 2' }).click();
    await edit.getByRole('button', { name: 'Remove part 1' }).click();
    await edit.getByRole('button', { name: 'Split among categories' }).waitFor();
    await edit.getByRole('button', { name: 'Save' }).click();
    await edit.waitFor({ state: 'hidden' });
    await go(page, 'Reports');
    await expect.poll(bars).toEqual(['Food $10.00']);
    // Undo brings the parts back.
    await undoBar(page).getByRole('button', { name: 'Undo' }).click();
    await expect.poll(bars).toEqual(['Food $6.00', 'Household $4.00']);
    expect(failures).toEqual([]);
  });

  it('passes axe’s checks on the account page, the new sheets and Settings with rates', async () => {
    const { page } = await app.device();
    await signUp(page, `ledger-a11y-${Date.now()}@example.com`);
    const failures: string[] = [];
    const audit = async (where: string) => failures.push(...(await axeViolations(page, where)));
    await addAccount(page, { name: 'Checking', currency: 'USD', opening: '100.00' });
    await addAccount(page, { name: 'Savings', kind: 'Savings', currency: 'EUR', opening: '0' });
    await audit('home with accounts');
    await accountLink(page, 'Checking').click();
    await page.getByRole('heading', { name: 'Checking', level: 2 }).waitFor();
    await audit('account page');
    await page.getByRole('button', { name: 'Move money' }).click();
    const transfer = page.getByRole('dialog', { name: 'New transfer' });
    await transfer.getByLabel(/^To/).selectOption({ label: 'Savings (EUR)' });
    await transfer.getByLabel('Amount received').waitFor();
    await audit('transfer sheet');
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Edit account' }).click();
    await audit('account sheet');
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Add an entry' }).click();
    await page.getByRole('dialog', { name: 'New entry' }).getByLabel('Tags').waitFor();
    await audit('entry sheet with account, tags, payment method');
    await page.keyboard.press('Escape');
    await go(page, 'Settings');
    await page.getByRole('combobox', { name: /^Home currency/ }).selectOption('USD');
    await undoBar(page).waitFor();
    await audit('settings with the undo bar');
    expect(failures).toEqual([]);
  });
});
