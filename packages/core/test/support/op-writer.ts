import { HybridClock } from '../../src/clock/index.js';
import { newDeviceId } from '../../src/ids.js';
import {
  buildOp,
  type FieldValue,
  MemoryReplica,
  type Op,
  parseOp,
  type TableName,
} from '../../src/sync/index.js';

/** Where a writer's own clock starts: a fixed moment, so stamps (and their order) are the same every run. */
const BASE_TIME = Date.UTC(2026, 0, 15, 9, 0, 0);

/**
 * A device as the real client is one, for tests of anything that takes ops (the device's store, the
 * server's storage, merge): its own HLC and its own view of the rows, so every op it makes carries
 * the `prev` stamps that device had actually seen, and is validated with parseOp as the client does.
 * Its time is its own (moved by hand with `advance`, started `skewMs` off), unless `now` is given.
 */
export class OpWriter {
  readonly id = newDeviceId();
  readonly clock: HybridClock;
  readonly view = new MemoryReplica();
  time: number;

  constructor(options: { skewMs?: number; now?: () => number } = {}) {
    this.time = BASE_TIME + (options.skewMs ?? 0);
    this.clock = new HybridClock(this.id, { now: options.now ?? (() => this.time) });
  }

  get deviceId(): string {
    return this.id;
  }

  advance(ms: number): this {
    this.time += ms;
    return this;
  }

  edit(table: TableName, rowId: string, fields: Record<string, FieldValue>): Op {
    const op = parseOp(buildOp(this.clock, table, rowId, fields, this.view.row(table, rowId)));
    this.view.apply(op);
    return op;
  }

  /** Takes in ops from elsewhere (or its own, again): the view and the clock move on. */
  see(ops: Op | readonly Op[]): void {
    for (const op of Array.isArray(ops) ? ops : [ops as Op]) {
      if (op.deviceId !== this.id) this.clock.receive(op.stamp);
      this.view.apply(op);
    }
  }
}
