import type { SyncStatus } from '@kakeibo/client/browser';
import { describe, expect, it } from 'vitest';
import { leftToAssign, readSplits, splitStatus, startSplit } from '../src/app/split-draft.js';
import { describeStatus } from '../src/components/SyncStatusBar.js';
import { addMonths, monthRange, rangeLabel, today } from '../src/lib/dates.js';
import { amountInput, defaultCurrency, money, readAmount } from '../src/lib/money.js';

/** The app's pure helpers: what people type and read, per currency and locale. */
describe('amounts as people type and read them', () => {
  it('reads typed amounts into integer minor units with the locale’s separators', () => {
    expect(readAmount('12.50', 'USD', 'en-US')).toEqual({ amount: 1250 });
    expect(readAmount('1.234,56', 'EUR', 'de-DE')).toEqual({ amount: 123_456 });
    expect(readAmount('1,500', 'JPY', 'ja-JP')).toEqual({ amount: 1500 });
    expect(readAmount('1.250', 'BHD', 'en-US')).toEqual({ amount: 1250 });
  });

  it('refuses zero, negative and unreadable amounts with a reason', () => {
    expect(readAmount('0', 'EUR', 'en-US')).toEqual({ error: 'Enter an amount above zero.' });
    expect(readAmount('12.345', 'USD', 'en-US')).toHaveProperty('error');
    expect(readAmount('twelve', 'USD', 'en-US')).toHaveProperty('error');
  });

  it('writes amounts back for editing, and shows them with the currency', () => {
    for (const [amount, currency, locale] of [
      [1250, 'USD', 'en-US'],
      [123_456, 'EUR', 'de-DE'],
      [1500, 'JPY', 'ja-JP'],
    ] as const) {
      expect(readAmount(amountInput(amount, currency, locale), currency, locale)).toEqual({ amount });
    }
    expect(money(1250, 'USD', 'en-US')).toBe('$12.50');
    expect(money(-1250, 'EUR', 'de-DE')).toMatch(/^-12,50\s€$/);
  });

  it('guesses the currency of a new person from their locale', () => {
    expect(defaultCurrency('en-US')).toBe('USD');
    expect(defaultCurrency('ja')).toBe('JPY');
    expect(defaultCurrency('fr-FR')).toBe('EUR');
  });
});

describe('calendar dates and months', () => {
  it('counts months on numbers, across years', () => {
    expect(addMonths('2026-01', -1)).toBe('2025-12');
    expect(addMonths('2026-11', 14)).toBe('2028-01');
    expect(monthRange('2028-02')).toEqual({ from: '2028-02-01', to: '2028-02-29' });
  });

  it('takes today from the local calendar', () => {
    expect(today(new Date(2026, 0, 5, 23, 59))).toBe('2026-01-05');
  });

  it('writes a budget period as short as the locale allows', () => {
    const now = new Date(2026, 11, 1);
    // Intl puts thin spaces around the dash.
    const label = (from: string, to: string) => rangeLabel(from, to, 'en-US', now).replace(/\s/g, ' ');
    expect(label('2026-12-01', '2026-12-31')).toBe('Dec 1 – 31');
    expect(label('2026-11-30', '2026-12-06')).toBe('Nov 30 – Dec 6');
    expect(label('2027-01-01', '2027-12-31')).toMatch(/2027/);
  });
});

describe('the sync status in plain words', () => {
  const base: SyncStatus = {
    online: true,
    syncing: false,
    signedIn: true,
    pendingOps: 0,
    rejectedOps: 0,
    lastSyncedAt: null,
    lastError: null,
    transport: 'realtime',
    lastRepair: null,
    clock: null,
  };
  const text = (patch: Partial<SyncStatus>, network = true) =>
    describeStatus({ ...base, ...patch }, 'en-US', Date.parse('2026-12-01T10:00:00Z'), network).text;

  it('says offline, syncing, how many changes wait, and what went wrong', () => {
    // No network: offline, whatever the last round said. A network but no server: said as that.
    expect(text({ online: false, pendingOps: 2 }, false)).toBe('Offline · 2 changes waiting');
    expect(text({ lastSyncedAt: '2026-12-01T09:59:30Z' }, false)).toBe('Offline');
    expect(text({ online: false, pendingOps: 2 })).toBe(
      'Cannot reach the server, retrying · 2 changes waiting',
    );
    expect(text({ syncing: true, pendingOps: 1 })).toBe('Syncing… · 1 change waiting');
    expect(text({ pendingOps: 1200 })).toBe('1,200 changes waiting');
    expect(
      text({ lastError: { code: 'network.unreachable', message: 'The server cannot be reached.' } }),
    ).toBe('Sync failed: The server cannot be reached.');
    expect(text({ lastSyncedAt: '2026-12-01T09:58:00Z' })).toBe('All changes synced · 2 minutes ago');
    expect(text({ lastSyncedAt: '2026-12-01T09:58:00Z', rejectedOps: 2 })).toBe('2 refused, see Settings');
    expect(text({ online: false, rejectedOps: 1 }, false)).toBe('Offline · 1 refused, see Settings');
  });

  it('asks for a reload when the server speaks a newer protocol, saying the changes are kept', () => {
    const outdated = {
      lastError: { code: 'protocol.unsupported', message: 'This server speaks Kakeibo protocol 3, not 2.' },
    };
    const status = (patch: Partial<SyncStatus>) =>
      describeStatus({ ...base, ...outdated, ...patch }, 'en-US', Date.parse('2026-12-01T10:00:00Z'));
    expect(status({})).toEqual({
      tone: 'error',
      text: 'A newer version of Kakeibo is needed to sync',
      action: 'update',
    });
    expect(status({ pendingOps: 3 }).text).toBe(
      'A newer version of Kakeibo is needed to sync · 3 changes waiting on this device',
    );
    // A background retry does not take the message (and its Reload) away while it runs.
    expect(status({ syncing: true })).toMatchObject({ action: 'update' });
    // Any other failure offers no reload.
    expect(
      describeStatus({ ...base, lastError: { code: 'network.unreachable', message: 'x' } }, 'en-US').action,
    ).toBeUndefined();
  });

  it('says when the device clock is off, and when that is why changes wait', () => {
    const behind = {
      aheadMs: -420_000,
      message: "This device's clock is 7 minutes behind: check its date and time.",
    };
    expect(describeStatus({ ...base, clock: behind, lastSyncedAt: '2026-12-01T09:58:00Z' }, 'en-US')).toEqual(
      {
        tone: 'busy',
        text: "This device's clock is 7 minutes behind: check its date and time.",
      },
    );
    const ahead = {
      aheadMs: 420_000,
      message:
        "This device's clock is 7 minutes ahead: check its date and time. Until then, changes made here cannot sync.",
    };
    const drift = { code: 'clock.drift', message: 'A clock is 420 s ahead of this one.' };
    expect(describeStatus({ ...base, clock: ahead, lastError: drift, pendingOps: 2 }, 'en-US')).toEqual({
      tone: 'error',
      text: `${ahead.message} · 2 changes waiting`,
    });
  });
});

describe('split parts as the entry sheet reads them', () => {
  const food = '0190abcd-0000-7000-8000-00000000000a';

  it('says what is left to assign, in the entry’s currency and locale', () => {
    const parts = [
      { categoryId: food, amount: '6,00', note: '' },
      { categoryId: '', amount: '3,50', note: '' },
    ];
    expect(leftToAssign(1_000, parts, 'EUR', 'de-DE')).toBe(50);
    expect(splitStatus(50, 'EUR', 'en-US')).toBe('€0.50 left to assign.');
    expect(splitStatus(0, 'EUR', 'en-US')).toBe('The parts add up to the amount.');
    expect(splitStatus(-125, 'USD', 'en-US')).toBe('The parts are $1.25 more than the amount.');
    expect(leftToAssign(1_000, [{ categoryId: '', amount: 'ten', note: '' }], 'EUR', 'en-US')).toBeNull();
    expect(startSplit('10.00', food)).toEqual([
      { categoryId: food, amount: '10.00', note: '' },
      { categoryId: '', amount: '', note: '' },
    ]);
  });

  it('gives the parts as the SDK takes them, or what to fix in the screen’s words', () => {
    expect(
      readSplits(
        1_000,
        [
          { categoryId: food, amount: '6.00', note: ' milk ' },
          { categoryId: '', amount: '4.00', note: '' },
        ],
        'EUR',
        'en-US',
      ),
    ).toEqual({
      splits: [
        { categoryId: food, amount: 600, note: 'milk' },
        { categoryId: null, amount: 400, note: '' },
      ],
    });
    expect(readSplits(1_000, [{ categoryId: food, amount: '10.00', note: '' }], 'EUR', 'en-US')).toEqual({
      error: 'A split needs at least two parts: add a part, or remove the split.',
    });
    expect(
      readSplits(
        1_000,
        [
          { categoryId: food, amount: '6.00', note: '' },
          { categoryId: '', amount: '', note: '' },
        ],
        'EUR',
        'en-US',
      ),
    ).toEqual({ error: expect.stringMatching(/^Part 2, amount: /) });
    expect(
      readSplits(
        1_000,
        [
          { categoryId: food, amount: '6.00', note: '' },
          { categoryId: '', amount: '3.00', note: '' },
        ],
        'EUR',
        'en-US',
      ),
    ).toEqual({
      error:
        'The parts must add up to the amount, €10.00: €1.00 left to assign. Change a part or the amount.',
    });
  });
});
