import { describe, expect, it } from 'vitest';
import { formatStamp } from '../src/clock/index.js';
import { uuidv7 } from '../src/ids.js';
import {
  BatchRequestSchema,
  LIMITS,
  PullRequestSchema,
  PushRequestSchema,
  SnapshotRequestSchema,
} from '../src/protocol/index.js';

const DEVICE = 'aaaaaaaaaaaaaaaa';
const op = () => ({
  id: uuidv7(),
  table: 'expenses',
  rowId: uuidv7(),
  stamp: formatStamp({ wallMs: Date.UTC(2026, 10, 24), counter: 0, deviceId: DEVICE }),
  deviceId: DEVICE,
  fields: { amount: 100 },
  prev: { amount: null },
});

describe('protocol messages are bounded', () => {
  it('a push carries 1 to maxPushOps ops', () => {
    expect(PushRequestSchema.safeParse({ ops: [op()] }).success).toBe(true);
    expect(PushRequestSchema.safeParse({ ops: [] }).success).toBe(false);
    const many = Array.from({ length: LIMITS.maxPushOps + 1 }, op);
    expect(PushRequestSchema.safeParse({ ops: many }).success).toBe(false);
  });

  it('a pull page size is capped and defaults sensibly; cursors come from query strings', () => {
    expect(PullRequestSchema.parse({ after: '42' })).toEqual({ after: 42, limit: LIMITS.defaultPullOps });
    expect(PullRequestSchema.safeParse({ after: 0, limit: LIMITS.maxPullOps + 1 }).success).toBe(false);
    expect(PullRequestSchema.safeParse({ after: -1 }).success).toBe(false);
    expect(PullRequestSchema.safeParse({ after: '1.5' }).success).toBe(false);
  });

  it('a snapshot page size is capped', () => {
    expect(SnapshotRequestSchema.parse({}).limit).toBe(LIMITS.defaultSnapshotRows);
    expect(SnapshotRequestSchema.safeParse({ limit: LIMITS.maxSnapshotRows + 1 }).success).toBe(false);
  });

  it('a batch carries a bounded number of /v1/ calls', () => {
    const call = { method: 'GET', path: '/v1/sync/pull?after=0' };
    expect(BatchRequestSchema.safeParse({ calls: [call] }).success).toBe(true);
    expect(BatchRequestSchema.safeParse({ calls: [{ ...call, path: '/admin' }] }).success).toBe(false);
    expect(BatchRequestSchema.safeParse({ calls: Array(LIMITS.maxBatchCalls + 1).fill(call) }).success).toBe(
      false,
    );
  });
});
