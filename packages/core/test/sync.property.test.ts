import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { uuidv7 } from '../src/ids.js';
import { MemoryReplica, type Op, StateChecksum } from '../src/sync/index.js';
import { createSimulation } from './support/index.js';

const ROWS = Array.from({ length: 4 }, (_, i) => uuidv7(Date.UTC(2026, 0, 1) + i));

/** What a device can do: edit a few fields of a few rows, push, pull, and suffer network faults. */
const actionArb = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('edit' as const),
      row: fc.nat(ROWS.length - 1),
      amount: fc.option(fc.integer({ min: 1, max: 100_000 }), { nil: undefined }),
      payee: fc.option(fc.constantFrom('Bakery', 'Market', 'Café', ''), { nil: undefined }),
      deleted: fc.option(fc.boolean(), { freq: 6, nil: undefined }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('push' as const),
      count: fc.integer({ min: 1, max: 5 }),
      loseAck: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('pull' as const),
      limit: fc.integer({ min: 1, max: 6 }),
      fault: fc.constantFrom(
        'none' as const,
        'none' as const,
        'deliverTwice' as const,
        'loseResponse' as const,
      ),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 5_000 }) }),
  },
);

const scenarioArb = fc.integer({ min: 2, max: 5 }).chain((deviceCount) =>
  fc.record({
    deviceCount: fc.constant(deviceCount),
    // Clocks disagree by up to two minutes either way.
    skews: fc.array(fc.integer({ min: -120_000, max: 120_000 }), {
      minLength: deviceCount,
      maxLength: deviceCount,
    }),
    steps: fc.array(fc.tuple(fc.nat(deviceCount - 1), actionArb), { minLength: 1, maxLength: 120 }),
  }),
);

function runScenario({
  deviceCount,
  skews,
  steps,
}: {
  deviceCount: number;
  skews: number[];
  steps: Array<[number, fc.infer<typeof actionArb>]>;
}) {
  const sim = createSimulation(deviceCount, skews);
  const created = new Set<string>();
  for (const [index, action] of steps) {
    const device = sim.devices[index];
    if (!device) continue;
    switch (action.kind) {
      case 'edit': {
        const rowId = ROWS[action.row] as string;
        const fields: Op['fields'] = {};
        if (!created.has(`${device.id}/${rowId}`) && !device.replica.row('expenses', rowId)) {
          // First sight of the row on this device: create it whole (another device may be creating it too).
          Object.assign(fields, {
            amount: 100,
            currency: 'EUR',
            date: '2026-11-02',
            payee: '',
            createdAt: '2026-11-02T09:00:00.000Z',
            deleted: false,
          });
          created.add(`${device.id}/${rowId}`);
        }
        if (action.amount !== undefined) fields.amount = action.amount;
        if (action.payee !== undefined) fields.payee = action.payee;
        if (action.deleted !== undefined) fields.deleted = action.deleted;
        if (Object.keys(fields).length > 0) device.edit('expenses', rowId, fields);
        break;
      }
      case 'push':
        device.push(action.count, action.loseAck);
        break;
      case 'pull':
        device.pull(action.limit, action.fault);
        break;
      case 'wait':
        sim.advance(action.ms);
        break;
    }
  }
  // Everyone comes online: push everything, then everyone pulls everything.
  for (const device of sim.devices) device.settle();
  for (const device of sim.devices) device.settle();
  return sim;
}

/** A checksum computed from scratch over a replica's rows, to compare with the incremental one. */
function checksumFromScratch(replica: MemoryReplica): string {
  const fresh = new StateChecksum();
  for (const [key, row] of replica.rows) {
    const [table, rowId] = key.split('/') as [string, string];
    for (const [field, { value, stamp }] of Object.entries(row))
      fresh.apply(table, rowId, field, stamp, value, 1);
  }
  return fresh.total();
}

describe('sync convergence (2 to 5 devices, random interleavings, lost and duplicated messages)', () => {
  it('every replica ends with the same rows, the same checksum and the same conflicts', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        const { server, devices } = runScenario(scenario);
        const expectedRows = server.replica.snapshot();
        const expectedChecksum = server.replica.checksum.total();
        const expectedConflicts = [...server.replica.conflicts.keys()].sort();
        for (const device of devices) {
          expect(device.outbox).toEqual([]);
          expect(device.replica.snapshot()).toEqual(expectedRows);
          expect(device.replica.checksum.total()).toBe(expectedChecksum);
          expect(device.replica.checksum.toBuckets()).toEqual(server.replica.checksum.toBuckets());
          expect([...device.conflicts.keys()].sort()).toEqual(expectedConflicts);
        }
        expect(checksumFromScratch(server.replica)).toBe(expectedChecksum);
        // No op stored twice, whatever was retried.
        expect(new Set(server.log.map((e) => e.op.id)).size).toBe(server.log.length);
      }),
      { numRuns: 300 },
    );
  });

  it('records a conflict exactly when a writer had not seen the value it overwrote or lost to', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        const { server } = runScenario(scenario);
        const recorded = new Set(server.replica.conflicts.keys());
        expect([...recorded].sort()).toEqual([...server.expectedConflicts].sort());
        for (const conflict of server.replica.conflicts.values()) {
          expect(conflict.winner.stamp > conflict.loser.stamp).toBe(true);
          expect(conflict.winner.deviceId).not.toBe(conflict.loser.deviceId);
          // The winner of a conflict is what the merge keeps, unless a later write replaced it knowingly.
          const row = server.replica.row(conflict.table, conflict.rowId);
          expect(row?.[conflict.field]?.stamp >= conflict.winner.stamp).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('applying the same ops in any order, any number of times, gives the same state and checksum', () => {
    fc.assert(
      fc.property(
        scenarioArb.chain((scenario) => {
          const ops = runScenario(scenario).server.log.map((e) => e.op);
          // Each replica gets every op at least once, some several times, in its own order.
          const delivery = fc
            .array(fc.nat(Math.max(0, ops.length - 1)), { maxLength: ops.length })
            .chain((extra) =>
              fc.shuffledSubarray([...ops, ...extra.map((i) => ops[i] as Op)], {
                minLength: ops.length + extra.length,
              }),
            );
          return fc.tuple(fc.constant(ops), fc.array(delivery, { minLength: 2, maxLength: 4 }));
        }),
        ([ops, deliveries]) => {
          const reference = new MemoryReplica();
          for (const op of ops) reference.apply(op);
          for (const order of deliveries) {
            const replica = new MemoryReplica();
            for (const op of order) replica.apply(op);
            expect(replica.snapshot()).toEqual(reference.snapshot());
            expect(replica.checksum.total()).toBe(reference.checksum.total());
            expect(checksumFromScratch(replica)).toBe(reference.checksum.total());
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
