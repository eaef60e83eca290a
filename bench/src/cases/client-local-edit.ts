import type { BenchCase } from '../case.js';
import { now } from '../case.js';
import { timeMethods } from '../support/method-timers.js';
import {
  bootstrappedDevice,
  latencyMetrics,
  openBootstrapped,
  releaseBootstrapped,
  sample,
} from '../support/sdk.js';
import { sdkStore } from '../support/sdk-internals.js';
import { seededRandom } from '../support/workload.js';

const EDITS = 500;

/**
 * A local edit on the bootstrapped 100,000-expense device, background sync stopped:
 * `kb.expenses.update(id, { amount })` on 500 random rows, each awaited before the next. That covers
 * validation (zod), reading the row's stamps, building and checking the op, the local transaction
 * (merge, row upsert, checksum buckets, outbox insert), the change event and the read-back of the row.
 * The last client case: it releases the shared device.
 */
export const clientLocalEdit: BenchCase = {
  name: 'client-local-edit',
  summary:
    'Client SDK at 100,000 expenses, background sync stopped: 500 × kb.expenses.update(id, { amount }) on random rows (validation, op, local transaction with outbox, read-back); raw prepared SELECT + UPDATE of the row on the same SQLCipher file as baseline.',
  timeoutMs: 240_000,
  async run({ log }) {
    const device = await bootstrappedDevice(log);
    try {
      const random = seededRandom(31);
      const ids = sample(device.liveExpenseIds, EDITS, random);
      const amounts = ids.map(() => 100 + Math.floor(random() * 50_000));
      const samples: number[] = [];
      let spent: ReturnType<typeof timeMethods>;
      let pending: number;
      const kb = await openBootstrapped(device);
      try {
        kb.stopSync();
        const store = sdkStore(kb);
        const before = await store.outboxCount();
        spent = timeMethods(store, ['rowState', 'applyLocal', 'get']);
        for (const [i, id] of ids.entries()) {
          const amount = amounts[i] as number;
          const started = now();
          const row = await kb.expenses.update(id, { amount });
          samples.push(now() - started);
          if (row.amount !== amount) throw new Error(`edit of ${id} reads back ${String(row.amount)}`);
        }
        pending = (await store.outboxCount()) - before;
        if (pending !== EDITS) throw new Error(`expected ${EDITS} new outbox entries, found ${pending}`);
      } finally {
        await kb.close();
      }

      // Baseline: the minimal edit by hand on a raw connection: read the row's JSON (core's packed
      // list: [stamps, field, value, stamp index, …]), change the amount in it and in its column,
      // write it back, in one transaction per edit.
      const raw: number[] = [];
      const db = device.dir.openRaw();
      try {
        const select = db.prepare("SELECT fields FROM rows WHERE tbl = 'expenses' AND row_id = ?");
        const update = db.prepare(
          "UPDATE rows SET fields = ?, amount = ? WHERE tbl = 'expenses' AND row_id = ?",
        );
        const edit = db.transaction((id: string, amount: number) => {
          const { fields } = select.get(id) as { fields: string };
          const stored = JSON.parse(fields) as unknown[];
          for (let i = 1; i < stored.length; i += 3) if (stored[i] === 'amount') stored[i + 1] = amount;
          update.run(JSON.stringify(stored), amount, id);
        });
        for (const [i, id] of ids.entries()) {
          const started = now();
          edit.immediate(id, (amounts[i] as number) + 1);
          raw.push(now() - started);
        }
      } finally {
        db.close();
      }

      const per = (name: string) => (spent[name]?.ms ?? 0) / EDITS;
      return {
        metrics: [
          ...latencyMetrics('kb.expenses.update(id, { amount })', samples, { max: 5, baseline: raw }),
          {
            metric: 'of which store.applyLocal (transaction + outbox), mean',
            value: per('applyLocal'),
            unit: 'ms',
          },
          {
            metric: 'of which store.rowState + store.get (read before, read back), mean',
            value: per('rowState') + per('get'),
            unit: 'ms',
          },
          { metric: 'ops queued in the outbox', value: pending, unit: 'ops' },
        ],
        notes: [
          `${EDITS} distinct random live rows, each edit awaited before the next; kb.stopSync() first, so nothing is pushed (the ${EDITS} ops stay in the outbox, as checked). The rest of an edit's time (beyond applyLocal, rowState and get) is zod validation, buildOp + parseOp, the change event, and the read of the outbox count (one row, kept by triggers) after every write; the device clock is stored inside applyLocal's transaction.`,
          'Baseline: BEGIN IMMEDIATE; SELECT the row JSON; set the amount in it; UPDATE fields and amount; COMMIT — prepared statements on a second raw connection to the device database, same rows. No op, no checksum, no outbox: the floor, not an equivalent.',
        ],
      };
    } finally {
      releaseBootstrapped();
    }
  },
};
