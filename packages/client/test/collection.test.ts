import { afterEach, describe, expect, it } from 'vitest';
import { STORE_MODES, TestStores } from './support/index.js';

/** Collection.createWithIds: the ids and creation times a caller chooses are checked like the fields. */
describe.each(STORE_MODES)('createWithIds, $mode store', ({ sealed }) => {
  const stores = new TestStores({ sealed });
  afterEach(() => stores.cleanup());

  const input = { amount: 100, currency: 'EUR', date: '2026-03-01' } as const;
  const good = '0190abcd-0000-7000-8000-00000000000a';

  it('refuses an id or creation time not in its stored form, storing nothing of the batch', async () => {
    const kb = await stores.offline();
    for (const [row, message] of [
      [
        { id: good.toUpperCase(), createdAt: '2026-03-01T00:00:00.000Z' },
        /expenses #2: id: must be a lowercase UUIDv7/,
      ],
      [{ id: 'not-an-id', createdAt: '2026-03-01T00:00:00.000Z' }, /expenses #2: id/],
      [{ id: '01900000-0000-7000-8000-000000000002', createdAt: 'yesterday' }, /expenses #2: createdAt/],
    ] as const) {
      await expect(
        kb.expenses.createWithIds([
          { id: good, createdAt: '2026-03-01T00:00:00.000Z', input },
          { ...row, input },
        ]),
      ).rejects.toThrow(message);
    }
    expect(kb.status().pendingOps).toBe(0);
    const [made] = await kb.expenses.createWithIds([
      { id: good, createdAt: '2026-03-01T00:00:00.000Z', input },
    ]);
    expect(made).toMatchObject({ id: good, createdAt: '2026-03-01T00:00:00.000Z', amount: 100 });
    expect(await kb.expenses.get(good)).toMatchObject({ id: good, amount: 100 });
  });
});
