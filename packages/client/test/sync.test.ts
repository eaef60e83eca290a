import { gunzipSync } from 'node:zlib';
import { LIMITS } from '@kakeibo/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Kakeibo } from '../src/index.js';
import { type Harness, harness, openDeviceStore } from './support/index.js';

const PASSWORD = 'correct horse battery staple';
let h: Harness;
let counter = 0;
const email = () => `client.${process.pid}.${Date.now()}.${++counter}@example.com`;

beforeEach(async () => {
  h = await harness();
});
afterEach(async () => {
  await h.cleanup();
});

/** Everything a device holds, for comparing replicas. */
async function everything(kb: Kakeibo) {
  const out: Record<string, unknown[]> = {};
  for (const name of ['categories', 'expenses', 'income', 'budgets', 'inventory'] as const) {
    const items = [];
    let cursor: string | undefined;
    do {
      const page = await kb[name].list({ limit: 500, includeDeleted: true, ...(cursor && { cursor }) });
      items.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    out[name] = items.sort((a, b) => (a.id < b.id ? -1 : 1));
  }
  return out;
}

async function account(
  names: string[],
  options: Record<string, { now?: () => number; fetch?: typeof fetch }> = {},
) {
  const address = email();
  const devices: Kakeibo[] = [];
  for (const [i, name] of names.entries()) {
    const kb = await h.device(name, options[name] ?? {});
    if (i === 0) await kb.auth.signUp({ email: address, password: PASSWORD });
    else await kb.auth.signIn({ email: address, password: PASSWORD });
    devices.push(kb);
  }
  return { address, devices };
}

/**
 * Corrupts a device's copy of an expense behind the SDK's back: a payee the server never had, under
 * a stamp newer than the row's, so merging cannot fix it and only a bucket repair can.
 */
async function corruptPayee(device: string, rowId: string): Promise<void> {
  const { join } = await import('node:path');
  const store = await openDeviceStore(join(h.root, device));
  const state = await store.rowState('expenses', rowId);
  await store.applyRows([
    {
      table: 'expenses',
      rowId,
      fields: {
        payee: { value: 'Corrupted', stamp: `${state?.payee?.stamp.slice(0, 12)}-ffff-${'0'.repeat(16)}` },
      },
    },
  ]);
  await store.close();
}

describe('three devices with offline edits', () => {
  it('converge to identical rows and checksums, and list the same-field conflict everywhere', async () => {
    // b's clock runs a second ahead (well within the drift bound), so whatever b writes after a
    // carries the later stamp: within one millisecond two devices' stamps would order by device id.
    const { devices } = await account(['a', 'b', 'c'], { b: { now: () => Date.now() + 1_000 } });
    const [a, b, c] = devices as [Kakeibo, Kakeibo, Kakeibo];
    const food = await a.categories.create({ name: 'Food', kind: 'expense' });
    const lunch = await a.expenses.create({
      amount: 1250,
      currency: 'EUR',
      date: '2026-11-02',
      categoryId: food.id,
      payee: 'Bakery',
      note: '',
    });
    const taxi = await a.expenses.create({
      amount: 3000,
      currency: 'EUR',
      date: '2026-11-03',
      payee: 'Taxi',
    });
    expect(await a.sync()).toMatchObject({ pushed: 3, verified: true });
    for (const kb of [b, c]) expect((await kb.sync()).verified).toBe(true);
    expect(await b.expenses.get(lunch.id)).toMatchObject({
      amount: 1250,
      payee: 'Bakery',
      categoryId: food.id,
    });

    // Offline: nobody syncs while they edit.
    await a.expenses.update(lunch.id, { amount: 1300 }); // same field as b
    await b.expenses.update(lunch.id, { amount: 1400 }); // later by b's clock
    await a.expenses.update(lunch.id, { payee: 'Bakery Schmidt' }); // different fields of one row
    await c.expenses.update(lunch.id, { note: 'with Anna' });
    await b.expenses.remove(taxi.id); // delete against edit
    await c.expenses.update(taxi.id, { amount: 3500 });
    await a.expenses.create({ amount: 500, currency: 'EUR', date: '2026-11-04', payee: 'Kiosk' }); // creations
    await c.income.create({ amount: 250000, currency: 'EUR', date: '2026-11-01', source: 'Salary' });
    expect(a.status().pendingOps).toBe(3);

    for (const kb of [a, b, c]) await kb.sync();
    const rounds = await Promise.all([a, b, c].map((kb) => kb.sync()));
    expect(rounds.map((r) => r.verified)).toEqual([true, true, true]);

    const state = await everything(a);
    expect(await everything(b)).toEqual(state);
    expect(await everything(c)).toEqual(state);
    const merged = await a.expenses.get(lunch.id);
    expect(merged).toMatchObject({ amount: 1400, payee: 'Bakery Schmidt', note: 'with Anna' }); // b wrote last
    expect(await a.expenses.get(taxi.id)).toBeNull(); // the tombstone wins; the row stays deleted
    expect(
      (state.expenses as Array<{ id: string; deleted: boolean }>).find((x) => x.id === taxi.id)?.deleted,
    ).toBe(true);

    for (const kb of [a, b, c]) {
      const conflicts = await kb.conflicts.list();
      expect(conflicts.map((x) => [x.rowId, x.field, x.winner.value, x.loser.value])).toEqual([
        [lunch.id, 'amount', 1400, 1300],
      ]);
      expect(kb.status()).toMatchObject({ pendingOps: 0, lastError: null, signedIn: true });
    }
    const [conflict] = await c.conflicts.list();
    expect(await c.conflicts.dismiss(conflict?.id as string)).toBe(true);
    expect(await c.conflicts.list()).toEqual([]);
  });
});

describe('clock skew', () => {
  it('a device 10 minutes ahead gets the drift error and keeps its change; one 10 minutes behind converges', async () => {
    const { address, devices } = await account(['a']);
    const [a] = devices as [Kakeibo];
    const ahead = await h.device('ahead', { now: () => Date.now() + 10 * 60_000 });
    await ahead.auth.signIn({ email: address, password: PASSWORD });
    const behind = await h.device('behind', { now: () => Date.now() - 10 * 60_000 });
    await behind.auth.signIn({ email: address, password: PASSWORD });

    await ahead.expenses.create({ amount: 100, currency: 'EUR', date: '2026-11-02' });
    await expect(ahead.sync()).rejects.toMatchObject({ code: 'clock.drift' });
    expect(ahead.status()).toMatchObject({ pendingOps: 1, lastError: { code: 'clock.drift' } });
    expect(ahead.status().lastError?.message).toMatch(/date and time/);
    // Each device learns how far off its clock is from the server's answers, and says so in words.
    expect(ahead.status().clock?.message).toBe(
      "This device's clock is 10 minutes ahead: check its date and time. Until then, changes made here cannot sync.",
    );
    expect(behind.status().clock).toMatchObject({
      message: "This device's clock is 10 minutes behind: check its date and time.",
    });
    expect(behind.status().clock?.aheadMs).toBeLessThan(0);
    expect(a.status().clock).toBeNull();

    const row = await a.expenses.create({ amount: 200, currency: 'EUR', date: '2026-11-02' });
    await a.sync();
    await behind.sync();
    await behind.expenses.update(row.id, { amount: 250 }); // made after it saw a's write: must win
    await behind.sync();
    await a.sync();
    expect((await a.expenses.get(row.id))?.amount).toBe(250);
    expect(await a.conflicts.list()).toEqual([]);
    expect(await everything(behind)).toEqual(await everything(a));
  });
});

describe('faults', () => {
  /**
   * A fetch that, at the chosen request, lets the server receive and act on it (its answer has
   * arrived, so what it did is committed) and then kills the server before the SDK sees the answer:
   * the SDK meets a connection that died mid-request. Counts the kills, so a test knows its fault
   * happened exactly there; after the kill it records the push answers (their acks) as they come.
   */
  function killingFetch(killAt: (url: string, nth: number) => boolean) {
    const seen = { kills: 0, calls: new Map<string, number>(), pushAcks: [] as string[] };
    const wrapped: typeof fetch = async (input, init) => {
      const url = String(input);
      const route = new URL(url).pathname;
      const nth = (seen.calls.get(route) ?? 0) + 1;
      seen.calls.set(route, nth);
      const response = await fetch(input, init);
      if (seen.kills === 0 && killAt(route, nth)) {
        await response.arrayBuffer();
        h.server.kill();
        seen.kills += 1;
        throw new TypeError('fetch failed: the connection was reset');
      }
      if (seen.kills > 0 && route === '/v1/sync/push') {
        const { acks } = (await response.clone().json()) as { acks: Array<{ status: string }> };
        seen.pushAcks.push(...acks.map((ack) => ack.status));
      }
      return response;
    };
    return { seen, fetch: wrapped };
  }

  it('loses and duplicates nothing when the server is killed inside a push it had acted on', async () => {
    const killer = killingFetch((route, nth) => route === '/v1/sync/push' && nth === 1);
    const { devices } = await account(['a', 'b'], { a: { fetch: killer.fetch } });
    const [a, b] = devices as [Kakeibo, Kakeibo];
    const rows = Array.from({ length: 3000 }, (_, i) => ({
      amount: i + 1,
      currency: 'EUR',
      date: '2026-11-02',
      payee: `shop ${i}`,
    }));
    await a.expenses.createMany(rows);
    await expect(a.sync()).rejects.toMatchObject({ code: 'network.unreachable' });
    expect(killer.seen.kills).toBe(1);
    expect(a.status()).toMatchObject({ online: false, pendingOps: 3000 });
    await h.server.start();
    expect((await a.sync()).verified).toBe(true);
    // The first batch was stored before the server died: sent again, it is acknowledged as the
    // duplicate it is, and the rest as applied.
    expect(killer.seen.pushAcks.filter((s) => s === 'duplicate')).toHaveLength(500);
    expect(killer.seen.pushAcks.filter((s) => s === 'applied')).toHaveLength(2500);
    expect((await b.sync()).verified).toBe(true);
    const onB = await everything(b);
    expect(onB.expenses).toHaveLength(3000);
    expect(new Set((onB.expenses as Array<{ payee: string }>).map((x) => x.payee)).size).toBe(3000);
    expect(await everything(a)).toEqual(onB);
  });

  it('loses and duplicates nothing when the server is killed inside a pull page', async () => {
    const killer = killingFetch((route, nth) => route === '/v1/sync/pull' && nth === 3);
    const { devices } = await account(['a', 'b'], { b: { fetch: killer.fetch } });
    const [a, b] = devices as [Kakeibo, Kakeibo];
    await a.expenses.createMany(
      Array.from({ length: 4000 }, (_, i) => ({ amount: i + 1, currency: 'EUR', date: '2026-11-02' })),
    );
    await a.sync();
    await b.sync(); // b bootstraps from the snapshot (and pulls the nothing after it: pull 1)
    await a.expenses.createMany(
      Array.from({ length: 4000 }, (_, i) => ({ amount: i + 1, currency: 'USD', date: '2026-11-03' })),
    );
    await a.sync();
    // Pull 2 brings the first 1,000 new ops; the server dies inside pull 3.
    await expect(b.sync()).rejects.toMatchObject({ code: 'network.unreachable' });
    expect(killer.seen.kills).toBe(1);
    expect((await everything(b)).expenses).toHaveLength(5000);
    await h.server.start();
    expect((await b.sync()).verified).toBe(true);
    const onB = await everything(b);
    expect(onB.expenses).toHaveLength(8000);
    expect(await everything(a)).toEqual(onB);
  });

  it('reports an answer cut off in its body as the network failure it is, and loses nothing', async () => {
    let cut = false;
    const cutting: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (!cut || !String(input).includes('/v1/sync/pull')) return response;
      cut = false;
      const head = new Uint8Array(await response.arrayBuffer()).slice(0, 10);
      const body = new ReadableStream({
        start(controller) {
          controller.enqueue(head);
          controller.error(new TypeError('terminated'));
        },
      });
      return new Response(body, { status: response.status, headers: response.headers });
    };
    const { devices } = await account(['a', 'b'], { b: { fetch: cutting } });
    const [a, b] = devices as [Kakeibo, Kakeibo];
    await b.sync();
    const made = await a.expenses.create({ amount: 1, currency: 'EUR', date: '2026-11-02', payee: 'Cut' });
    await a.sync();
    cut = true;
    await expect(b.sync()).rejects.toMatchObject({ code: 'network.unreachable' });
    expect(b.status()).toMatchObject({ online: false, lastError: { code: 'network.unreachable' } });
    expect(await b.expenses.get(made.id)).toBeNull();
    expect((await b.sync()).verified).toBe(true);
    expect((await b.expenses.get(made.id))?.payee).toBe('Cut');
  });

  it('survives a connection dropped after the server acted, and responses delivered twice', async () => {
    const address = email();
    let mode: 'normal' | 'drop-after' | 'twice' = 'normal';
    let last: Response | null = null;
    const flaky: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (mode === 'drop-after' && String(input).includes('/v1/sync/')) {
        mode = 'normal';
        await response.arrayBuffer();
        throw new TypeError('fetch failed: connection reset');
      }
      if (mode === 'twice' && String(input).includes('/v1/sync/pull')) {
        const body = await response.text();
        last = new Response(body, { status: response.status, headers: response.headers });
        return new Response(body, { status: response.status, headers: response.headers });
      }
      return response;
    };
    const a = await h.device('a', { fetch: flaky });
    await a.auth.signUp({ email: address, password: PASSWORD });
    const b = await h.device('b');
    await b.auth.signIn({ email: address, password: PASSWORD });

    await a.expenses.createMany(
      Array.from({ length: 20 }, (_, i) => ({ amount: i + 1, currency: 'JPY', date: '2026-11-02' })),
    );
    mode = 'drop-after'; // the push is applied on the server, but a never hears back
    await expect(a.sync()).rejects.toMatchObject({ code: 'network.unreachable' });
    expect(a.status().pendingOps).toBe(20);
    expect((await a.sync()).verified).toBe(true); // re-sent: acknowledged as duplicates, stored once
    expect(a.status().pendingOps).toBe(0);

    await b.expenses.create({ amount: 999, currency: 'JPY', date: '2026-11-05' });
    await b.sync();
    mode = 'twice';
    await a.sync();
    mode = 'normal';
    expect(last).not.toBeNull();
    await b.sync();
    expect(await everything(a)).toEqual(await everything(b));
    expect(((await everything(a)).expenses as unknown[]).length).toBe(21);
  });
});

describe('a long offline period', () => {
  /** What one request to the sync routes carried and brought back. */
  interface Exchange {
    path: string;
    requestBytes: number;
    pushedOps: number;
    pulledOps: number;
  }

  /** A fetch that can be cut off (the device is offline) and records every sync exchange. */
  function recordingFetch() {
    const state = { offline: false, exchanges: [] as Exchange[] };
    const recording: typeof fetch = async (input, init) => {
      if (state.offline) throw new TypeError('fetch failed: network is down');
      const url = new URL(String(input));
      const response = await fetch(input, init);
      if (!url.pathname.startsWith('/v1/sync/')) return response;
      let body = init?.body instanceof Uint8Array ? Buffer.from(init.body) : Buffer.alloc(0);
      const requestBytes = body.length;
      if (new Headers(init?.headers).get('content-encoding') === 'gzip') body = gunzipSync(body);
      const sent = body.length > 0 ? (JSON.parse(body.toString('utf8')) as { ops?: unknown[] }) : {};
      const answer = (await response.clone().json()) as { ops?: unknown[] };
      state.exchanges.push({
        path: url.pathname,
        requestBytes,
        pushedOps: url.pathname === '/v1/sync/push' ? (sent.ops?.length ?? 0) : 0,
        pulledOps: url.pathname === '/v1/sync/pull' ? (answer.ops?.length ?? 0) : 0,
      });
      return response;
    };
    return { state, fetch: recording };
  }

  it('catches up on tens of thousands of queued ops in bounded requests, both ways', async () => {
    const address = email();
    const a = recordingFetch();
    const b = recordingFetch();
    const laptop = await h.device('laptop', { fetch: a.fetch });
    await laptop.auth.signUp({ email: address, password: PASSWORD });
    const phone = await h.device('phone', { fetch: b.fetch });
    await phone.auth.signIn({ email: address, password: PASSWORD });
    await phone.sync(); // the phone has synced before: it will catch up by pulling, not by a snapshot

    // Weeks without a network: imports, everyday entries and corrections pile up in the outbox.
    a.state.offline = true;
    const created = [];
    for (let batch = 0; batch < 4; batch++) {
      created.push(
        ...(await laptop.expenses.createMany(
          Array.from({ length: 5000 }, (_, i) => ({
            amount: batch * 5000 + i + 1,
            currency: 'EUR',
            date: `2026-0${batch + 1}-1${i % 10}`,
            payee: `shop ${batch}-${i}`,
          })),
        )),
      );
    }
    for (const expense of created.slice(0, 2000))
      await laptop.expenses.update(expense.id, { note: 'checked' });
    for (const expense of created.slice(2000, 2500)) await laptop.expenses.remove(expense.id);
    await expect(laptop.sync()).rejects.toMatchObject({ code: 'network.unreachable' });
    expect(laptop.status()).toMatchObject({ online: false, pendingOps: 22_500 });

    // Back online: one round pushes everything, never more than a bounded batch per request.
    a.state.offline = false;
    // Nothing comes back: the server leaves the laptop's own ops out of its pull pages.
    expect(await laptop.sync()).toMatchObject({ pushed: 22_500, pulled: 0, verified: true });
    expect(laptop.status().pendingOps).toBe(0);
    const ownPulls = a.state.exchanges.filter((x) => x.path === '/v1/sync/pull');
    expect(ownPulls.reduce((n, x) => n + x.pulledOps, 0)).toBe(0);
    const pushes = a.state.exchanges.filter((x) => x.path === '/v1/sync/push');
    expect(pushes.length).toBeGreaterThanOrEqual(Math.ceil(22_500 / LIMITS.maxPushOps));
    expect(pushes.reduce((n, x) => n + x.pushedOps, 0)).toBe(22_500);
    for (const push of pushes) {
      expect(push.pushedOps).toBeLessThanOrEqual(LIMITS.maxPushOps);
      expect(push.requestBytes).toBeLessThanOrEqual(LIMITS.maxPushBytes);
    }

    // The other device pulls all of it page by page, each page bounded, and ends up identical.
    expect(await phone.sync()).toMatchObject({ pulled: 22_500, verified: true });
    const pulls = b.state.exchanges.filter((x) => x.path === '/v1/sync/pull');
    expect(pulls.length).toBeGreaterThanOrEqual(Math.ceil(22_500 / LIMITS.maxPullOps));
    for (const pull of pulls) expect(pull.pulledOps).toBeLessThanOrEqual(LIMITS.maxPullOps);
    const onPhone = await everything(phone);
    expect(onPhone.expenses).toHaveLength(20_000);
    expect((onPhone.expenses as Array<{ deleted?: boolean }>).filter((x) => x.deleted)).toHaveLength(500);
    expect(await everything(laptop)).toEqual(onPhone);
  }, 120_000);
});

describe('local data at rest', () => {
  it('keeps a canary payee out of every file of the data directory', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { devices } = await account(['a']);
    const [a] = devices as [Kakeibo];
    const canary = `CANARY-${Math.random().toString(36).slice(2)}`;
    await a.expenses.create({ amount: 1, currency: 'EUR', date: '2026-11-02', payee: canary, note: canary });
    await a.sync();
    expect((await a.expenses.list()).items[0]?.payee).toBe(canary);
    const dir = join(h.root, 'device-a');
    const files = readdirSync(dir);
    expect(files).toContain('kakeibo.db');
    for (const file of files) expect(readFileSync(join(dir, file)).includes(canary), file).toBe(false);
    // The key that opens it is not beside it.
    expect(files.some((f) => f.endsWith('.key'))).toBe(false);
  });

  it('opens with a secret-wrapped key, and refuses a wrong secret', async () => {
    const { join } = await import('node:path');
    const { openKakeibo } = await import('../src/index.js');
    const dataDir = join(h.root, 'secret-device');
    const kb = await openKakeibo({
      serverUrl: h.server.url,
      dataDir,
      deviceName: 's',
      secret: 'my long local secret',
    });
    await kb.expenses.create({ amount: 5, currency: 'EUR', date: '2026-11-02' });
    await kb.close();
    const again = await openKakeibo({
      serverUrl: h.server.url,
      dataDir,
      deviceName: 's',
      secret: 'my long local secret',
    });
    expect((await again.expenses.list()).items).toHaveLength(1);
    await again.close();
    await expect(
      openKakeibo({ serverUrl: h.server.url, dataDir, deviceName: 's', secret: 'wrong secret' }),
    ).rejects.toMatchObject({ code: 'store.bad_secret' });
  });
});

describe('session lifecycle', () => {
  it('refreshes the access token invisibly before it expires, once', async () => {
    const address = email();
    const calls: string[] = [];
    const recording: typeof fetch = (input, init) => {
      calls.push(new URL(String(input)).pathname);
      return fetch(input, init);
    };
    const a = await h.device('a', { fetch: recording });
    await a.auth.signUp({ email: address, password: PASSWORD });
    await a.sync();
    expect(calls).not.toContain('/v1/auth/refresh');
    await a.close();
    // Age the saved session: its access token now has 30 s left.
    const { join } = await import('node:path');
    const dataDir = join(h.root, 'device-a');
    const store = await openDeviceStore(dataDir);
    const session = JSON.parse((await store.getMeta('auth.session')) as string);
    await store.setMeta(
      'auth.session',
      JSON.stringify({ ...session, accessTokenExpiresAt: new Date(Date.now() + 30_000).toISOString() }),
    );
    await store.close();

    const again = await h.device('a', { fetch: recording });
    calls.length = 0;
    const [first, second] = await Promise.all([again.sync(), again.auth.devices()]);
    expect(first.verified).toBe(true);
    expect(second).toHaveLength(1);
    expect(calls.filter((c) => c === '/v1/auth/refresh')).toHaveLength(1); // concurrent calls share one refresh
    calls.length = 0;
    await again.sync();
    expect(calls).not.toContain('/v1/auth/refresh'); // the rotated session was saved and is used
    expect(again.status()).toMatchObject({ signedIn: true, lastError: null });
  });

  it('a revoked device ends signed out with its unsynced data kept', async () => {
    const { devices } = await account(['a', 'b']);
    const [a, b] = devices as [Kakeibo, Kakeibo];
    await b.expenses.create({ amount: 700, currency: 'EUR', date: '2026-11-02', payee: 'unsynced on b' });
    const signedOut: string[] = [];
    b.on('signedOut', ({ code }) => signedOut.push(code));
    const revoked = await a.auth.revokeDevices({ deviceIds: [b.deviceId] });
    expect(revoked.revoked).toEqual([b.deviceId]);
    await expect(b.sync()).rejects.toMatchObject({ code: 'auth.device_revoked' });
    expect(b.status()).toMatchObject({
      signedIn: false,
      pendingOps: 1,
      lastError: { code: 'auth.device_revoked' },
    });
    expect(signedOut).toEqual(['auth.device_revoked']);
    const kept = await b.expenses.list();
    expect(kept.items.map((x) => x.payee)).toEqual(['unsynced on b']);
    await expect(b.sync()).rejects.toMatchObject({ code: 'auth.signed_out' });
  });

  it('repairs a diverged bucket by itself and says so in status', async () => {
    const { devices } = await account(['a']);
    const [a] = devices as [Kakeibo];
    const row = await a.expenses.create({
      amount: 100,
      currency: 'EUR',
      date: '2026-11-02',
      payee: 'Original',
    });
    await a.sync();
    await corruptPayee('device-a', row.id);
    expect((await a.expenses.get(row.id))?.payee).toBe('Corrupted');
    const result = await a.sync();
    expect(result).toMatchObject({ verified: true, repaired: 1 });
    expect((await a.expenses.get(row.id))?.payee).toBe('Original');
    expect(a.status().lastRepair?.buckets).toBe(1);
  });
  it('leaves a bucket as it is when the person writes while its repair is fetched, and repairs it next round', async () => {
    // While the server's rows of the bucket are on their way, the person adds an entry.
    let meanwhile: (() => Promise<unknown>) | null = null;
    const fetching: typeof fetch = async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      const run = url.pathname === '/v1/sync/bucket' ? meanwhile : null;
      if (run) {
        meanwhile = null;
        await run();
      }
      return fetch(input, init);
    };
    const { devices } = await account(['a'], { a: { fetch: fetching } });
    const [a] = devices as [Kakeibo];
    const row = await a.expenses.create({
      amount: 100,
      currency: 'EUR',
      date: '2026-11-02',
      payee: 'Original',
    });
    await a.sync();
    await corruptPayee('device-a', row.id);
    let typed = '';
    meanwhile = async () => {
      typed = (await a.expenses.create({ amount: 250, currency: 'EUR', date: '2026-11-03', payee: 'Typed' }))
        .id;
    };
    // The repair waits: nothing the person just typed is replaced by the server's older rows.
    expect(await a.sync()).toMatchObject({ verified: false, repaired: 0 });
    expect((await a.expenses.get(typed))?.payee).toBe('Typed');
    // The next round pushes it, then repairs the bucket.
    expect(await a.sync()).toMatchObject({ pushed: 1, verified: true, repaired: 1 });
    expect((await a.expenses.get(row.id))?.payee).toBe('Original');
    expect((await a.expenses.get(typed))?.payee).toBe('Typed');
  });
});

describe('background sync', () => {
  it('pushes soon after a local change and pulls on its interval, emitting change events', async () => {
    const address = email();
    const a = await h.device('a');
    await a.auth.signUp({ email: address, password: PASSWORD });
    const b = await openOther('b', address);
    a.startSync();
    b.startSync();
    const seen = new Promise<string[]>((resolve) => {
      b.on('change', ({ table, ids }) => {
        if (table === 'expenses') resolve(ids);
      });
    });
    const made = await a.expenses.create({
      amount: 4200,
      currency: 'EUR',
      date: '2026-11-06',
      payee: 'Market',
    });
    expect(await seen).toEqual([made.id]);
    expect((await b.expenses.get(made.id))?.payee).toBe('Market');
    // The change is emitted while the round that pulled it is still going (it verifies next): the
    // round then ends by recording when it synced.
    await new Promise<void>((resolve) => {
      const ended = () => {
        const status = b.status();
        if (!status.syncing && status.lastSyncedAt !== null) resolve();
      };
      b.on('status', ended);
      ended();
    });
    a.stopSync();
    b.stopSync();
    expect(b.status()).toMatchObject({ online: true, pendingOps: 0, signedIn: true });
    expect(b.status().lastSyncedAt).not.toBeNull();
  });
});

async function openOther(name: string, address: string) {
  const { openKakeibo } = await import('../src/index.js');
  const { join } = await import('node:path');
  const kb = await openKakeibo({
    serverUrl: h.server.url,
    dataDir: join(h.root, `device-${name}`),
    deviceName: name,
    syncIntervalMs: 200,
  });
  await kb.auth.signIn({ email: address, password: PASSWORD });
  return kb;
}
