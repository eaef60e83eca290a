import {
  type FieldValue,
  MemoryReplica,
  materializeRow,
  type Op,
  type SnapshotRow,
  type TableName,
  uuidv7,
} from '@kakeibo/core';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { exampleExpense, logged, OpWriter, STORE_MODES, TestStores } from './support/index.js';

const ROWS: Array<[TableName, string]> = [
  ...Array.from(
    { length: 4 },
    (_, i) => ['expenses', uuidv7(Date.UTC(2026, 0, 1) + i)] as [TableName, string],
  ),
  ...Array.from(
    { length: 2 },
    (_, i) => ['categories', uuidv7(Date.UTC(2026, 0, 2) + i)] as [TableName, string],
  ),
];

const CATEGORY = { name: 'Food', kind: 'expense', parentId: null, color: null, icon: null, archived: false };

/** One device action: an edit of a few fields (small value domains, so values collide), or a sync. */
const editArb = fc.record({
  kind: fc.constant('edit' as const),
  row: fc.nat(ROWS.length - 1),
  amount: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
  text: fc.option(fc.constantFrom('Bakery', 'bakery', 'Market', 'Café', ''), { nil: undefined }),
  date: fc.option(fc.constantFrom('2026-01-01', '2026-01-31', '2026-02-01'), { nil: undefined }),
  deleted: fc.option(fc.boolean(), { freq: 4, nil: undefined }),
  wait: fc.integer({ min: 0, max: 3 }),
});
const actionArb = fc.oneof(
  { weight: 6, arbitrary: editArb },
  // The device takes in every op made so far by anyone (a pull): its clock and prev stamps move on.
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('sync' as const) }) },
);

const scenarioArb = fc.integer({ min: 2, max: 4 }).chain((devices) =>
  fc.record({
    skews: fc.array(fc.integer({ min: -90_000, max: 90_000 }), { minLength: devices, maxLength: devices }),
    steps: fc.array(fc.tuple(fc.nat(devices - 1), actionArb), {
      minLength: 1,
      maxLength: 80,
      size: 'medium',
    }),
    /** How the ops reach the store: a seed for shuffling, page sizes, duplicates and snapshots. */
    delivery: fc.record({
      /** Seeds the shuffle and the duplicates (a seed shrinks far better than a 200-long array). */
      seed: fc.integer({ min: 1, max: 2 ** 31 - 2 }),
      duplicateOneIn: fc.integer({ min: 1, max: 4 }),
      pageSizes: fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 10 }),
      snapshotAt: fc.option(fc.nat(), { nil: undefined }),
      localBatch: fc.integer({ min: 1, max: 4 }),
      schedule: fc.array(fc.constantFrom('local' as const, 'pull' as const, 'snapshot' as const), {
        maxLength: 40,
      }),
    }),
  }),
);

type Action = { kind: 'sync' } | Edit;
interface Edit {
  kind: 'edit';
  row: number;
  amount: number | undefined;
  text: string | undefined;
  date: string | undefined;
  deleted: boolean | undefined;
  wait: number;
}

function simulate(skews: readonly number[], steps: ReadonlyArray<readonly [number, Action]>) {
  const devices = skews.map((skew) => new OpWriter({ skewMs: skew }));
  const ops: Op[] = [];
  const created = new Set<string>();
  for (const [index, action] of steps) {
    const device = devices[index] as OpWriter;
    if (action.kind === 'sync') {
      for (const op of ops) device.see(op);
      continue;
    }
    const edit = action;
    device.advance(edit.wait);
    const [table, rowId] = ROWS[edit.row] as [TableName, string];
    const key = `${device.id}/${table}/${rowId}`;
    let fields: Record<string, FieldValue> = {};
    if (!created.has(key)) {
      // A device's first write to a row sets every field, as a create does.
      fields =
        table === 'expenses'
          ? exampleExpense()
          : { ...CATEGORY, createdAt: '2026-01-15T09:00:00.000Z', deleted: false };
      created.add(key);
    }
    if (table === 'expenses') {
      if (edit.amount !== undefined) fields.amount = edit.amount * 100;
      if (edit.text !== undefined) fields.payee = edit.text;
      if (edit.date !== undefined) fields.date = edit.date;
    } else if (edit.text !== undefined && edit.text !== '') fields.name = edit.text;
    if (edit.deleted !== undefined) fields.deleted = edit.deleted;
    if (Object.keys(fields).length === 0) fields.deleted = false;
    ops.push(device.edit(table, rowId, fields));
  }
  return { devices, ops };
}

/** A small deterministic generator (Park–Miller), so a failing case replays exactly. */
function lcg(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 48_271) % 2_147_483_647;
    return state;
  };
}

const snapshotOf = (replica: MemoryReplica): SnapshotRow[] =>
  replica.snapshot().map(([key, row]) => {
    const [table, rowId] = key.split('/') as [TableName, string];
    return { table, rowId, fields: row as SnapshotRow['fields'] };
  });

describe.each(STORE_MODES)('SqliteLocalStore against core MemoryReplica, $mode', ({ sealed }) => {
  const stores = new TestStores({ sealed });
  afterAll(() => stores.cleanup());

  it('converges to the same rows and checksum whatever the order, pages and duplicates', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async ({ skews, steps, delivery }) => {
        const { devices, ops } = simulate(skews, steps);
        const reference = new MemoryReplica();
        for (const op of ops) reference.apply(op);

        const { store } = await stores.create();
        try {
          // This store is device 0: its own ops arrive through applyLocal, in the order they were made.
          const mine = ops.filter((op) => op.deviceId === devices[0]?.id);
          // Everyone else's arrive as pulled pages, shuffled, some twice.
          const theirs = ops.filter((op) => op.deviceId !== devices[0]?.id);
          const random = lcg(delivery.seed);
          const shuffled = theirs
            .map((op) => ({ op, key: random() }))
            .sort((a, b) => a.key - b.key)
            .map((x) => x.op);
          const stream = shuffled.flatMap((op) =>
            random() % delivery.duplicateOneIn === 0 ? [op, op] : [op],
          );
          // And part of the state as a snapshot, as a repair or a bootstrap would bring it.
          let snapshot: SnapshotRow[] = [];
          if (delivery.snapshotAt !== undefined && ops.length > 0) {
            const partial = new MemoryReplica();
            for (const op of ops.slice(0, delivery.snapshotAt % ops.length)) partial.apply(op);
            snapshot = snapshotOf(partial);
          }

          // Interleave the three streams as the schedule says, then drain what is left.
          let seq = 0;
          let localAt = 0;
          let pulledAt = 0;
          let snapshotDone = snapshot.length === 0;
          const pull = async (size: number) => {
            const slice = stream.slice(pulledAt, pulledAt + size);
            pulledAt += slice.length;
            seq += slice.length;
            await store.applyPulled(logged(slice, seq - slice.length + 1), [], seq);
            expect(await store.getMeta('sync.cursor')).toBe(String(seq));
          };
          const local = async () => {
            await store.applyLocal(mine.slice(localAt, localAt + delivery.localBatch));
            localAt += delivery.localBatch;
          };
          const rows = async () => {
            // In pages, like the snapshot endpoint sends them.
            for (let i = 0; i < snapshot.length; i += 2) await store.applyRows(snapshot.slice(i, i + 2));
            snapshotDone = true;
          };
          for (const [i, step] of delivery.schedule.entries()) {
            if (step === 'local' && localAt < mine.length) await local();
            else if (step === 'pull' && pulledAt < stream.length)
              await pull(delivery.pageSizes[i % delivery.pageSizes.length] ?? 1);
            else if (step === 'snapshot' && !snapshotDone) await rows();
          }
          while (localAt < mine.length) await local();
          while (pulledAt < stream.length) await pull(3);
          if (!snapshotDone) await rows();

          for (const [key, row] of reference.snapshot()) {
            const [table, rowId] = key.split('/') as [TableName, string];
            expect(await store.rowState(table, rowId)).toEqual(row);
            const read = await store.get(table, rowId);
            expect(read).toEqual(row.deleted?.value === true ? null : materializeRow(rowId, row));
          }
          for (const table of ['expenses', 'categories'] as const) {
            const listed = await store.list(table, { includeDeleted: true, limit: 100 });
            expect(listed.items.length).toBe(
              reference.snapshot().filter(([k]) => k.startsWith(`${table}/`)).length,
            );
          }
          // Search sees the merged text, whether it filters a clear column or opens sealed rows.
          const found = await store.list('expenses', { search: 'BAK', includeDeleted: true, limit: 100 });
          expect(found.items.map((r) => r.id).sort()).toEqual(
            reference
              .snapshot()
              .filter(([k, row]) => k.startsWith('expenses/') && /bak/i.test(String(row.payee?.value)))
              .map(([k]) => k.slice('expenses/'.length))
              .sort(),
          );
          expect(await store.outboxCount()).toBe(mine.length);
          const buckets = await store.checksum();
          expect(buckets).toEqual(reference.checksum.toBuckets());
          await store.recomputeChecksum();
          expect(await store.checksum()).toEqual(buckets);
        } finally {
          await store.close();
        }
      }),
      { numRuns: 60 },
    );
  });
});
