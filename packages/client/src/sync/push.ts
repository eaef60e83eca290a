import { isKakeiboError, KakeiboError, LIMITS, pushBodyBytes, ROUTES } from '@kakeibo/core';
import type { EngineStore, OutboxEntry, RejectedOp } from '../store/types.js';
import type { ApiClient } from '../transport/api-client.js';

/** Ops per push request at most: well under the server's limit, so a request never grows with the backlog. */
const PUSH_BATCH = 500;

/** How much one push may carry: ops and the body's UTF-8 bytes (the server's limit is on those). */
interface Budget {
  ops: number;
  bytes: number;
}

/**
 * Pushes the outbox in batches, oldest first, until it is empty; returns how many ops the server
 * stored. Each batch is cut to the budget by its ops' encoded sizes, so a push never exceeds the
 * server's body limit however large the ops are. When something on the way answers "too large" all
 * the same (a proxy with a smaller limit), the batch is split: the budget halves, and a batch is never
 * sent again unchanged; an op too large to pass alone can never be sent, so it leaves the outbox as
 * refused (`op.too_large`, shown to the person) and the rest flows on. An op the server refuses for
 * good is acknowledged as refused with the server's reason; one refused for clock drift stays queued
 * (the clock is wrong, not the change) and the push ends with `clock.drift`.
 */
export async function pushOutbox(store: EngineStore, api: ApiClient, now: () => number): Promise<number> {
  let pushed = 0;
  let budget: Budget = { ops: PUSH_BATCH, bytes: LIMITS.maxPushBytes };
  for (;;) {
    const batch = fitting(await store.outbox(budget.ops), budget.bytes);
    if (batch.length === 0) return pushed;
    const at = new Date(now()).toISOString();
    let acks: Awaited<ReturnType<typeof sendBatch>>;
    try {
      acks = await sendBatch(api, batch);
    } catch (error) {
      if (!isTooLarge(error)) throw error;
      if (batch.length > 1) {
        budget = { ops: Math.ceil(batch.length / 2), bytes: Math.floor(bodyBytes(batch) / 2) };
        continue;
      }
      await store.acknowledge([], [tooLargeToSend(batch[0] as OutboxEntry, at)]);
      continue;
    }
    const done: string[] = [];
    const rejected: RejectedOp[] = [];
    let drift: KakeiboError | null = null;
    for (const [i, ack] of acks.entries()) {
      if (ack.status !== 'rejected') {
        done.push(ack.opId);
        continue;
      }
      if (ack.error.code === 'clock.drift') {
        // Our clock is ahead of the server's: the change is not wrong, the clock is. Keep it queued
        // (never drop a person's entry) and say what to fix.
        drift ??= new KakeiboError('clock.drift', ack.error.message);
        continue;
      }
      const op = batch[i]?.op;
      if (op) rejected.push({ op, code: ack.error.code, message: ack.error.message, at });
      done.push(ack.opId);
    }
    await store.acknowledge(done, rejected);
    pushed += done.length - rejected.length;
    if (drift) throw drift;
  }
}

async function sendBatch(api: ApiClient, batch: readonly OutboxEntry[]) {
  // A plain object per op: the wire schema takes any object with an id (each op is checked on its
  // own by the server), which an interface type does not claim to be.
  const reply = await api.call(ROUTES.push, { body: { ops: batch.map((e) => ({ ...e.op })) } });
  return reply.acks;
}

/** The oldest entries whose push body stays within `bytes`; always at least one, so the queue moves. */
function fitting(queued: readonly OutboxEntry[], bytes: number): OutboxEntry[] {
  const batch: OutboxEntry[] = [];
  let total = pushBodyBytes([]);
  for (const entry of queued) {
    const next = total + entry.bytes + (batch.length > 0 ? 1 : 0);
    if (batch.length > 0 && next > bytes) break;
    batch.push(entry);
    total = next;
  }
  return batch;
}

const bodyBytes = (batch: readonly OutboxEntry[]) => pushBodyBytes(batch.map((e) => e.bytes));

/** The server's `request.too_large`, or a 413 from anything on the way (a proxy's own error page). */
const isTooLarge = (error: unknown): boolean =>
  isKakeiboError(error) && (error.code === 'request.too_large' || error.details?.status === 413);

function tooLargeToSend(entry: OutboxEntry, at: string): RejectedOp {
  return {
    op: entry.op,
    code: 'op.too_large',
    message: `This change is too large to reach the server (${pushBodyBytes([entry.bytes]).toLocaleString('en-US')} bytes in one request, refused on the way), so it was not synced.`,
    at,
  };
}
