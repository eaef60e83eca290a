import { formatStamp, LIMITS, type Op, uuidv7 } from '@kakeibo/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kakeibo } from '../src/index.js';
import { type Harness, harness, TestStores } from './support/index.js';

/**
 * A large outbox always syncs: pushes are cut by their encoded size as well as their op count, the
 * server takes exactly the protocol's body limit, an answer "too large" (from the server or a proxy
 * on the way) splits the batch instead of sending it again, and a change too large to ever pass is
 * refused rather than left to block the queue. A push that fails never keeps the device from pulling.
 */
const PASSWORD = 'correct horse battery staple';
let h: Harness;
let counter = 0;

beforeAll(async () => {
  h = await harness();
});
afterAll(async () => {
  await h?.cleanup();
});

/** Every push body the device sent, and what came back; a proxy refusing bodies over `limit` bytes. */
function pushWatcher(limit = Number.POSITIVE_INFINITY) {
  const pushes: Array<{ bytes: number; body: string; status: number }> = [];
  const fetchThrough: typeof fetch = async (input, init) => {
    if (!String(input).includes('/v1/sync/push')) return fetch(input, init);
    const sent = (init?.body ?? new Uint8Array()) as Uint8Array;
    const body = new TextDecoder().decode(sent);
    const bytes = sent.length;
    if (bytes > limit) {
      pushes.push({ bytes, body, status: 413 });
      return new Response('<html><body>413 Request Entity Too Large</body></html>', {
        status: 413,
        headers: { 'content-type': 'text/html' },
      });
    }
    const response = await fetch(input, init);
    pushes.push({ bytes, body, status: response.status });
    return response;
  };
  return { pushes, fetch: fetchThrough };
}

const emails = new WeakMap<Kakeibo, string>();
const emailOf = (kb: Kakeibo) => emails.get(kb) as string;

async function account(options: { fetch?: typeof fetch } = {}) {
  const address = `push.${process.pid}.${Date.now()}.${++counter}@example.com`;
  const a = await h.device(`a${counter}`, options);
  await a.auth.signUp({ email: address, password: PASSWORD });
  const b = await h.device(`b${counter}`);
  await b.auth.signIn({ email: address, password: PASSWORD });
  emails.set(b, address);
  return { a, b };
}

async function allExpenses(kb: Kakeibo) {
  const items = [];
  let cursor: string | undefined;
  do {
    const page = await kb.expenses.list({ limit: 1000, ...(cursor && { cursor }) });
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return items;
}

const entry = (i: number, note: string) => ({
  amount: i + 1,
  currency: 'EUR',
  date: '2026-11-02',
  payee: `shop ${i}`,
  note,
});
const noted = (count: number, note: (i: number) => string) =>
  Array.from({ length: count }, (_, i) => entry(i, note(i)));

describe('the server’s body limit', () => {
  it('is exactly the protocol’s: a body of maxPushBytes is read, one byte more is 413 request.too_large', async () => {
    const send = (bytes: number) =>
      fetch(`${h.server.url}/v1/sync/push`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: `{"ops":[${' '.repeat(bytes - 10)}]}`,
      });
    const atLimit = await send(LIMITS.maxPushBytes);
    // Read whole, then refused for what it is (not signed), not for its size.
    expect(atLimit.status).toBe(401);
    const over = await send(LIMITS.maxPushBytes + 1);
    expect(over.status).toBe(413);
    expect(await over.json()).toMatchObject({
      code: 'request.too_large',
      detail: expect.stringContaining(String(LIMITS.maxPushBytes)),
    });
  });
});

describe('a large outbox', () => {
  it('syncs 1,500 entries with 2,000-character notes in pushes within the limit', async () => {
    const watch = pushWatcher();
    const { a, b } = await account({ fetch: watch.fetch });
    // About 2.3 KB per op, ~3.5 MB in all: once far more than Fastify's default 1 MiB body.
    await a.expenses.createMany(noted(1500, (i) => `${i} `.padEnd(2000, 'é')));
    expect(await a.sync()).toMatchObject({ pushed: 1500, verified: true });
    expect(watch.pushes.every((p) => p.status === 200 && p.bytes <= LIMITS.maxPushBytes)).toBe(true);
    expect(watch.pushes.length).toBeGreaterThanOrEqual(3);
    expect(await b.sync()).toMatchObject({ verified: true });
    expect((await allExpenses(b)).length).toBe(1500);
  });

  it('splits what a proxy refuses as too large, never resending a batch unchanged, and refuses the one op that cannot pass', async () => {
    const limit = 24 * 1024;
    const watch = pushWatcher(limit);
    const { a, b } = await account({ fetch: watch.fetch });
    await a.expenses.createMany(noted(40, (i) => `${i} `.padEnd(2000, 'a')));
    // 2,000 characters of CJK: 6,000 bytes of UTF-8 alone; with a 4 KiB proxy it could never pass.
    const huge = await a.expenses.create(entry(0, '語'.repeat(2000)));
    expect(await a.sync()).toMatchObject({ pushed: 41 });
    const refused = watch.pushes.filter((p) => p.status === 413);
    expect(refused.length).toBeGreaterThan(0);
    expect(new Set(refused.map((p) => p.body)).size).toBe(refused.length);
    expect(watch.pushes.filter((p) => p.status === 200).every((p) => p.bytes <= limit)).toBe(true);
    await b.sync();
    expect((await allExpenses(b)).length).toBe(41);
    expect((await b.expenses.get(huge.id))?.note).toBe('語'.repeat(2000));
    expect(a.status().rejectedOps).toBe(0);
  });

  it('refuses as too large the op no proxy will ever pass, and the rest flows on', async () => {
    const watch = pushWatcher(4 * 1024);
    const { a, b } = await account({ fetch: watch.fetch });
    await a.expenses.createMany(noted(10, (i) => `small ${i}`));
    const huge = await a.expenses.create(entry(0, '語'.repeat(2000)));
    await a.expenses.createMany(noted(10, (i) => `after ${i}`));
    await expect(a.sync()).resolves.toMatchObject({ pushed: 20 });
    expect(a.status()).toMatchObject({ pendingOps: 0, rejectedOps: 1 });
    const [rejected] = await a.rejected.list();
    expect(rejected).toMatchObject({ code: 'op.too_large', op: { rowId: huge.id } });
    expect(rejected?.message).toMatch(/too large to reach the server/);
    await b.sync();
    expect((await allExpenses(b)).map((e) => e.note).sort()).toEqual(
      [...noted(10, (i) => `small ${i}`), ...noted(10, (i) => `after ${i}`)].map((e) => e.note).sort(),
    );
  });

  it('pulls what others changed even while every push fails', async () => {
    let failPushes = true;
    const failing: typeof fetch = async (input, init) => {
      if (failPushes && String(input).includes('/v1/sync/push')) {
        return Response.json(
          {
            type: 'about:blank',
            title: 'Unavailable',
            status: 503,
            code: 'internal',
            detail: 'down for a moment',
          },
          { status: 503, headers: { 'content-type': 'application/problem+json' } },
        );
      }
      return fetch(input, init);
    };
    const { a, b } = await account({ fetch: failing });
    await a.expenses.create({ amount: 1, currency: 'EUR', date: '2026-11-02', payee: 'waiting on a' });
    const fromB = await b.expenses.create({
      amount: 2,
      currency: 'EUR',
      date: '2026-11-02',
      payee: 'from b',
    });
    await b.sync();
    await expect(a.sync()).rejects.toMatchObject({ code: 'internal' });
    expect((await a.expenses.get(fromB.id))?.payee).toBe('from b');
    expect(a.status()).toMatchObject({ pendingOps: 1, lastError: { code: 'internal' } });
    failPushes = false;
    await a.sync();
    await b.sync();
    expect((await allExpenses(b)).map((e) => e.payee).sort()).toEqual(['from b', 'waiting on a']);
  });
});

describe('no outbox can wedge sync (property)', () => {
  const note = fc.oneof(
    // Any printable text (the schema refuses control characters).
    fc.string({ maxLength: 2000, unit: fc.constantFrom('a', ' ', 'é', 'ß', '€', '\u00a0') }),
    fc.integer({ min: 0, max: 2000 }).map((n) => '語'.repeat(n)),
    fc.integer({ min: 0, max: 1000 }).map((n) => '😀'.repeat(n)),
  );

  it('drains any outbox, through any proxy limit, in a bounded number of pushes', async () => {
    // One account for every run (sign-ups are throttled per address); each run a new device.
    const { a: first, b } = await account();
    await first.close();
    await fc.assert(
      fc.asyncProperty(
        fc.array(note, { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 2 * 1024, max: 64 * 1024 }),
        async (notes, limit) => {
          const watch = pushWatcher(limit);
          const a = await h.device(`p${++counter}`, { fetch: watch.fetch });
          await a.auth.signIn({ email: emailOf(b), password: PASSWORD });
          const made = await a.expenses.createMany(noted(notes.length, (i) => notes[i] as string));
          // One round drains it; every refusal by the proxy shrinks the next batch.
          await a.sync();
          expect(a.status().pendingOps).toBe(0);
          expect(watch.pushes.length).toBeLessThanOrEqual(3 * notes.length + 1);
          const refusedIds = new Set((await a.rejected.list()).map((r) => r.op.rowId));
          // Refused only what the proxy refused even alone.
          const refusedAlone = (id: string) =>
            watch.pushes.some(
              (p) =>
                p.status === 413 &&
                p.body.includes(id) &&
                (JSON.parse(p.body) as { ops: Op[] }).ops.length === 1,
            );
          for (const id of refusedIds) expect(refusedAlone(id)).toBe(true);
          await b.sync();
          for (const row of made)
            expect((await b.expenses.get(row.id)) !== null).toBe(!refusedIds.has(row.id));
          await a.close();
        },
      ),
      { numRuns: 10 },
    );
  });
});

describe('an op too large to ever sync', () => {
  const stores = new TestStores();
  afterAll(() => stores.cleanup());

  it('is refused on the device before it is queued, and nothing of its write is stored', async () => {
    const { store } = await stores.create();
    const rowId = uuidv7();
    const op: Op = {
      id: uuidv7(),
      table: 'expenses',
      rowId,
      stamp: formatStamp({ wallMs: Date.now(), counter: 0, deviceId: 'aaaaaaaaaaaaaaaa' }),
      deviceId: 'aaaaaaaaaaaaaaaa',
      fields: { note: 'x'.repeat(LIMITS.maxPushBytes) },
      prev: { note: null },
    };
    await expect(store.applyLocal([op])).rejects.toMatchObject({ code: 'op.too_large' });
    expect(await store.outboxCount()).toBe(0);
    expect(await store.rowState('expenses', rowId)).toBeUndefined();
  });
});
