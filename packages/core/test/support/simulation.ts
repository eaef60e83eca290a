import { HybridClock } from '../../src/clock/index.js';
import { newDeviceId } from '../../src/ids.js';
import {
  buildOp,
  type Conflict,
  canonicalJson,
  MemoryReplica,
  type Op,
  parseOp,
} from '../../src/sync/index.js';

/**
 * A faithful miniature of the sync system for property tests: devices with their own skewed clocks,
 * local replicas and outboxes; a server with an append-only log that applies each op exactly once in
 * arrival order. Networking faults are actions too: lost acknowledgements, duplicated pages.
 * It also records ground truth the real system never sees: which ops each device had seen when it
 * wrote an op, so tests can check conflict detection against actual causality.
 */
export interface SimConflict extends Conflict {
  seq: number;
}

export class SimServer {
  readonly replica = new MemoryReplica();
  readonly log: Array<{ seq: number; op: Op; conflicts: SimConflict[] }> = [];
  readonly seqById = new Map<string, number>();
  /** Ground truth: for each applied op, the conflicts it should have revealed. */
  readonly expectedConflicts = new Set<string>();
  private readonly opByStamp = new Map<string, Op>();

  constructor(private readonly seenAtWrite: Map<string, Set<string>>) {}

  push(ops: readonly Op[]): Array<{ opId: string; seq: number }> {
    return ops.map((op) => {
      const known = this.seqById.get(op.id);
      if (known !== undefined) return { opId: op.id, seq: known };
      this.recordGroundTruth(op);
      const seq = this.log.length + 1;
      const conflicts = this.replica.apply(op).map((c) => ({ ...c, seq }));
      this.log.push({ seq, op, conflicts });
      this.seqById.set(op.id, seq);
      this.opByStamp.set(op.stamp, op);
      return { opId: op.id, seq };
    });
  }

  pull(after: number, limit: number) {
    const entries = this.log.slice(after, after + limit);
    return {
      ops: entries.map(({ seq, op }) => ({ seq, op })),
      conflicts: entries.flatMap((e) => e.conflicts),
      nextCursor: after + entries.length,
      hasMore: after + entries.length < this.log.length,
    };
  }

  /** A concurrent edit: the field's current op at the server was not among what the writer had seen. */
  private recordGroundTruth(op: Op): void {
    const row = this.replica.row(op.table, op.rowId);
    const seen = this.seenAtWrite.get(op.id) ?? new Set<string>();
    for (const field of Object.keys(op.fields)) {
      const current = row?.[field];
      if (!current) continue;
      const writer = this.opByStamp.get(current.stamp);
      const equal = canonicalJson(current.value) === canonicalJson(op.fields[field]);
      if (writer && writer.deviceId !== op.deviceId && !seen.has(writer.id) && !equal) {
        // Stamps are strings: the older one sorts first (Math.min would turn them into NaN).
        // biome-ignore lint/complexity/useMathMinMax: string comparison, not numbers
        const loser = op.stamp > current.stamp ? current.stamp : op.stamp;
        this.expectedConflicts.add(`${op.table}/${op.rowId}/${field}/${loser}`);
      }
    }
  }
}

export class SimDevice {
  readonly id = newDeviceId();
  readonly clock: HybridClock;
  readonly replica = new MemoryReplica();
  readonly conflicts = new Map<string, SimConflict>();
  outbox: Op[] = [];
  cursor = 0;
  /** Op ids this device has applied: its own and the ones it pulled. */
  private readonly seen = new Set<string>();

  constructor(
    private readonly server: SimServer,
    private readonly seenAtWrite: Map<string, Set<string>>,
    now: () => number,
  ) {
    this.clock = new HybridClock(this.id, { now });
  }

  edit(table: Op['table'], rowId: string, fields: Op['fields']): Op {
    const op = parseOp(buildOp(this.clock, table, rowId, fields, this.replica.row(table, rowId)));
    this.seenAtWrite.set(op.id, new Set(this.seen));
    this.replica.apply(op);
    this.seen.add(op.id);
    this.outbox.push(op);
    return op;
  }

  /** Push up to `count` ops; with `loseAck` the server stores them but the answer never arrives. */
  push(count: number, loseAck = false): void {
    const batch = this.outbox.slice(0, Math.max(1, count));
    if (batch.length === 0) return;
    const acks = this.server.push(batch);
    if (loseAck) return;
    const acked = new Set(acks.map((a) => a.opId));
    this.outbox = this.outbox.filter((op) => !acked.has(op.id));
  }

  /** Pull one page; `deliverTwice` applies it twice, `loseResponse` drops it after the server sent it. */
  pull(limit: number, fault: 'none' | 'deliverTwice' | 'loseResponse' = 'none'): boolean {
    const page = this.server.pull(this.cursor, limit);
    if (fault === 'loseResponse') return page.hasMore;
    for (let round = 0; round < (fault === 'deliverTwice' ? 2 : 1); round++) {
      for (const { op } of page.ops) {
        // Every op from outside is validated, exactly as the real client does.
        const valid = parseOp(op);
        this.clock.receive(valid.stamp);
        this.replica.apply(valid);
        this.seen.add(valid.id);
      }
      for (const c of page.conflicts) this.conflicts.set(c.id, c);
    }
    this.cursor = page.nextCursor;
    return page.hasMore;
  }

  /** Push and pull until nothing is left in either direction. */
  settle(): void {
    while (this.outbox.length > 0) this.push(50);
    while (this.pull(37)) {
      /* keep paging */
    }
  }
}

export function createSimulation(deviceCount: number, skewsMs: readonly number[]) {
  const seenAtWrite = new Map<string, Set<string>>();
  const server = new SimServer(seenAtWrite);
  let time = Date.UTC(2026, 10, 24, 9, 0, 0);
  const devices = Array.from(
    { length: deviceCount },
    (_, i) => new SimDevice(server, seenAtWrite, () => time + (skewsMs[i] ?? 0)),
  );
  return { server, devices, advance: (ms: number) => (time += ms) };
}
