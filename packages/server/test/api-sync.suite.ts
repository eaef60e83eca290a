import { gunzipSync, gzipSync } from 'node:zlib';
import {
  MemoryReplica,
  type Op,
  parseBucketRowsPage,
  parseSnapshotPage,
  unpackRow,
  uuidv7,
} from '@kakeibo/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AdapterName,
  exampleExpense,
  PASSWORD,
  startTestServer,
  TestDevice,
  type TestServer,
  uniqueEmail,
} from './support/index.js';

interface PullReply {
  ops: Array<{ seq: number; op: Op }>;
  conflicts: Array<{ id: string; field: string; seq: number }>;
  nextCursor: number;
  hasMore: boolean;
  head: number;
}

/** Push, pull, bootstrap, checksums, batch, read API and bad input, over real HTTP; once per adapter. */
export function apiSyncSuite(adapter: AdapterName) {
  describe(`sync API over HTTP (${adapter})`, () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer(adapter);
    });
    afterAll(async () => {
      await server?.close();
    });

    const account = async () => {
      const email = uniqueEmail();
      const a = await TestDevice.create(server.url, { name: 'phone' });
      expect((await a.signUp(email, PASSWORD)).status).toBe(201);
      const b = await TestDevice.create(server.url, { name: 'laptop' });
      expect((await b.signIn(email, PASSWORD)).status).toBe(200);
      return { a, b, email };
    };

    async function pullAll(d: TestDevice, after = 0, limit = 1000) {
      const seen: Array<{ seq: number; op: Op }> = [];
      const conflicts: PullReply['conflicts'] = [];
      let cursor = after;
      for (;;) {
        const page = await d.request<PullReply>('GET', `/v1/sync/pull?after=${cursor}&limit=${limit}`);
        expect(page.status).toBe(200);
        seen.push(...page.body.ops);
        conflicts.push(...page.body.conflicts);
        cursor = page.body.nextCursor;
        if (!page.body.hasMore) return { ops: seen, conflicts, cursor };
      }
    }

    it('pushes idempotently: the same batch twice stores one copy, with the original sequence numbers', async () => {
      const { a, b } = await account();
      const ops = [
        a.op('expenses', uuidv7(), exampleExpense()),
        a.op('expenses', uuidv7(), exampleExpense({ amount: 99 })),
      ];
      const first = await a.push(ops);
      expect(first.status).toBe(200);
      expect(first.body.acks.map((x) => x.status)).toEqual(['applied', 'applied']);
      const again = await a.push(ops);
      expect(again.body.acks).toEqual(first.body.acks.map((ack) => ({ ...ack, status: 'duplicate' })));
      expect(again.body.head).toBe(first.body.head);
      const pulled = await pullAll(b);
      expect(pulled.ops.map((e) => e.op.id)).toEqual(ops.map((o) => o.id));
    });

    it('rejects bad ops one by one with reasons while the rest of the batch is applied', async () => {
      const { a, b } = await account();
      const good = a.op('expenses', uuidv7(), exampleExpense());
      const negative = a.op('expenses', uuidv7(), exampleExpense({ amount: -5 }));
      const unknownField = a.op('expenses', uuidv7(), { ...exampleExpense(), colour: 'red' });
      const foreign = b.op('expenses', uuidv7(), exampleExpense());
      const future = await TestDevice.create(server.url, { now: () => Date.now() + 10 * 60_000 });
      const drifted = { ...a.op('expenses', uuidv7(), exampleExpense()), stamp: '' };
      drifted.stamp = future.clock.tick().replace(future.id, a.id);
      const reply = await a.push([good, negative, unknownField, foreign, drifted]);
      expect(reply.status).toBe(200);
      expect(reply.body.acks.map((x) => [x.status, x.error?.code])).toEqual([
        ['applied', undefined],
        ['rejected', 'op.invalid'],
        ['rejected', 'op.unknown_field'],
        ['rejected', 'op.not_yours'],
        ['rejected', 'clock.drift'],
      ]);
      expect(reply.body.acks[1]?.error?.message).toContain('amount');
      expect((await pullAll(b)).ops.map((e) => e.op.id)).toEqual([good.id]);
    });

    it('records a concurrent edit of one field as a conflict, for every device to see', async () => {
      const { a, b } = await account();
      const rowId = uuidv7();
      const create = a.op('expenses', rowId, exampleExpense());
      await a.push([create]);
      const { ops } = await pullAll(b);
      const replicaB = new MemoryReplica();
      for (const e of ops) {
        b.clock.receive(e.op.stamp);
        replicaB.apply(e.op);
      }
      const editA = a.op('expenses', rowId, { amount: 1300 }, new MemoryReplica().row('expenses', rowId));
      // a did see its own create: give it the right replaced stamp
      editA.prev = { amount: create.stamp };
      const editB = b.op('expenses', rowId, { amount: 1400 }, replicaB.row('expenses', rowId));
      await a.push([editA]);
      const pushB = await b.push([editB]);
      expect(pushB.body.conflicts).toHaveLength(1);
      expect(pushB.body.conflicts[0]).toMatchObject({ table: 'expenses', rowId, field: 'amount' });
      const viaPull = await pullAll(a);
      expect(viaPull.conflicts.map((c) => c.id)).toEqual([pushB.body.conflicts[0]?.id]);
      const listed = await a.request<{ conflicts: Array<{ id: string }> }>(
        'GET',
        '/v1/sync/conflicts?after=0',
      );
      expect(listed.body.conflicts.map((c) => c.id)).toEqual([pushB.body.conflicts[0]?.id]);
    });

    it("leaves the caller's own ops out of its pull, moves past them, and keeps the conflicts they revealed", async () => {
      const { a, b } = await account();
      const rowId = uuidv7();
      const create = a.op('expenses', rowId, exampleExpense());
      const other = a.op('expenses', uuidv7(), exampleExpense({ amount: 7 }));
      await a.push([create, other]);
      // a made both: its pull has nothing to apply, and its cursor still moves to the head.
      const own = await pullAll(a);
      expect([own.ops, own.cursor]).toEqual([[], 2]);
      // b made neither: it gets both.
      const { ops } = await pullAll(b);
      expect(ops.map((e) => e.op.id)).toEqual([create.id, other.id]);
      const replicaB = new MemoryReplica();
      for (const e of ops) {
        b.clock.receive(e.op.stamp);
        replicaB.apply(e.op);
      }
      // A concurrent edit: b's own op reveals the conflict; b's pull leaves the op out, not the conflict.
      const editA = a.op('expenses', rowId, { amount: 1300 }, new MemoryReplica().row('expenses', rowId));
      editA.prev = { amount: create.stamp };
      const editB = b.op('expenses', rowId, { amount: 1400 }, replicaB.row('expenses', rowId));
      await a.push([editA]);
      const pushB = await b.push([editB]);
      const afterB = await pullAll(b, 2);
      expect(afterB.ops.map((e) => e.op.id)).toEqual([editA.id]);
      expect(afterB.conflicts.map((c) => c.id)).toEqual([pushB.body.conflicts[0]?.id]);
      expect(afterB.cursor).toBe(4);
    });

    it('pages through 10,000 ops in order, each exactly once, and checksums agree', async () => {
      const { a, b } = await account();
      const rows = Array.from({ length: 2_500 }, () => uuidv7());
      const all: Op[] = [];
      for (let i = 0; i < 10_000; i++) {
        const rowId = rows[i % rows.length] as string;
        all.push(
          a.op('expenses', rowId, i < rows.length ? exampleExpense({ amount: i + 1 }) : { amount: i + 1 }),
        );
      }
      for (let i = 0; i < all.length; i += 1000) {
        const reply = await a.push(all.slice(i, i + 1000), { gzip: true });
        expect(reply.status).toBe(200);
        expect(reply.body.acks.every((x) => x.status === 'applied')).toBe(true);
      }
      const { ops, cursor } = await pullAll(b, 0, 700);
      expect(ops.map((e) => e.seq)).toEqual(Array.from({ length: 10_000 }, (_, i) => i + 1));
      expect(ops.map((e) => e.op)).toEqual(all);
      expect(cursor).toBe(10_000);

      const replica = new MemoryReplica();
      for (const e of ops) replica.apply(e.op);
      const checksum = await b.request<{ seq: number; total: string; buckets: unknown[] }>(
        'GET',
        '/v1/sync/checksum',
      );
      expect(checksum.body.seq).toBe(10_000);
      expect(checksum.body.total).toBe(replica.checksum.total());
      expect(checksum.body.buckets).toEqual(replica.checksum.toBuckets());

      // A fresh device bootstraps from a snapshot of current rows, not the 10,000-op history.
      const c = await TestDevice.create(server.url);
      await c.signIn(
        (await server.storage.findUserById(a.session?.userId as string))?.email as string,
        PASSWORD,
      );
      // Every page is read exactly as the client SDK reads it: the envelope against the protocol's
      // zod schema and every packed row against the entity schemas (parseSnapshotPage).
      const boot = new MemoryReplica();
      let page = parseSnapshotPage((await c.request('GET', '/v1/sync/snapshot?limit=1000')).body);
      const watermark = page.watermark;
      expect(watermark).toBe(10_000);
      let rowCount = 0;
      for (;;) {
        for (const row of page.rows) {
          rowCount++;
          // The packed text is the stored form, sent as it is: it decodes to the row's field states.
          expect(unpackRow(row.packed as string)).toEqual(row.fields);
          for (const [field, { value, stamp }] of Object.entries(row.fields)) {
            boot.apply({
              id: uuidv7(),
              table: row.table,
              rowId: row.rowId,
              stamp,
              deviceId: stamp.slice(18),
              fields: { [field]: value },
              prev: { [field]: null },
            });
          }
        }
        if (!page.nextCursor) break;
        const next = await c.request(
          'GET',
          `/v1/sync/snapshot?watermark=${watermark}&cursor=${page.nextCursor}&limit=1000`,
        );
        page = parseSnapshotPage(next.body);
      }
      expect(rowCount).toBe(2_500);
      expect(boot.checksum.total()).toBe(checksum.body.total);
      expect(boot.snapshot()).toEqual(replica.snapshot());
    });

    it('repairs by bucket: the rows of one bucket come back complete', async () => {
      const { a } = await account();
      const ops = Array.from({ length: 64 }, () => a.op('expenses', uuidv7(), exampleExpense()));
      await a.push(ops);
      const bucket = Number.parseInt(ops[0]?.rowId.slice(-1) as string, 16);
      const expected = ops
        .filter((o) => Number.parseInt(o.rowId.slice(-1), 16) === bucket)
        .map((o) => o.rowId)
        .sort();
      const replica = new MemoryReplica();
      for (const op of ops) replica.apply(op);
      const got: string[] = [];
      let cursor = '';
      for (;;) {
        const reply = await a.request(
          'GET',
          `/v1/sync/bucket?table=expenses&bucket=${bucket}&limit=2${cursor && `&cursor=${cursor}`}`,
        );
        const page = parseBucketRowsPage(reply.body);
        for (const row of page.rows) expect(row.fields).toEqual(replica.row('expenses', row.rowId));
        got.push(...page.rows.map((r) => r.rowId));
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      expect(got).toEqual(expected);
    });

    it('says when a cursor lies beyond its log, so the device re-bootstraps instead of waiting forever', async () => {
      const { a } = await account();
      const reply = await a.request('GET', '/v1/sync/pull?after=500');
      expect([reply.status, reply.body.code]).toEqual([410, 'sync.reset_required']);
      expect(reply.body.head).toBe(0);
    });

    it('serves the read API with filters and keyset pagination', async () => {
      const { a } = await account();
      const food = uuidv7();
      const days = ['2026-10-30', '2026-11-01', '2026-11-02', '2026-11-03', '2026-11-04'];
      const ops = days.map((date, i) =>
        a.op(
          'expenses',
          uuidv7(),
          exampleExpense({ date, amount: 100 + i, categoryId: i % 2 ? food : null }),
        ),
      );
      const gone = a.op('expenses', ops[4]?.rowId as string, { deleted: true });
      await a.push([...ops, gone]);
      const page1 = await a.request<{
        items: Array<{ date: string; amount: number; deleted: boolean }>;
        nextCursor: string | null;
      }>('GET', '/v1/expenses?from=2026-11-01&to=2026-11-30&limit=2');
      expect(page1.body.items.map((x) => x.date)).toEqual(['2026-11-03', '2026-11-02']);
      const page2 = await a.request<{ items: Array<{ date: string }>; nextCursor: string | null }>(
        'GET',
        `/v1/expenses?from=2026-11-01&to=2026-11-30&limit=2&cursor=${page1.body.nextCursor}`,
      );
      expect(page2.body.items.map((x) => x.date)).toEqual(['2026-11-01']);
      expect(page2.body.nextCursor).toBeNull();
      const byCategory = await a.request<{ items: Array<{ categoryId: string }> }>(
        'GET',
        `/v1/expenses?categoryId=${food}`,
      );
      expect(byCategory.body.items.map((x) => x.categoryId)).toEqual([food, food]);
      const one = await a.request('GET', `/v1/expenses/${ops[0]?.rowId}`);
      expect(one.body).toMatchObject({ id: ops[0]?.rowId, amount: 100, payee: 'Bakery', deleted: false });
      const deleted = await a.request('GET', `/v1/expenses/${ops[4]?.rowId}`);
      expect(deleted.body.deleted).toBe(true);
      expect((await a.request('GET', `/v1/expenses/${uuidv7()}`)).status).toBe(404);
      const bad = await a.request('GET', '/v1/expenses?from=2026-02-30');
      expect([bad.status, bad.body.code]).toEqual([400, 'validation.failed']);
    });

    it('runs several calls in one batch round trip, each with its own status', async () => {
      const { a } = await account();
      const op = a.op('expenses', uuidv7(), exampleExpense());
      const reply = await a.request<{ results: Array<{ status: number; body: Record<string, unknown> }> }>(
        'POST',
        '/v1/batch',
        {
          calls: [
            { method: 'POST', path: '/v1/sync/push', body: { ops: [op] } },
            { method: 'GET', path: '/v1/sync/pull?after=0' },
            { method: 'GET', path: '/v1/sync/checksum' },
            { method: 'GET', path: '/v1/sync/pull?after=99' },
            { method: 'POST', path: '/v1/devices/revoke', body: { allButCurrent: true } },
            { method: 'GET', path: '/v1/sync/pull?after=abc' },
            { method: 'GET', path: `/v1/expenses/${op.rowId}` },
          ],
        },
      );
      expect(reply.status).toBe(200);
      const [pushed, pulled, sum, ahead, notBatchable, invalid, read] = reply.body.results;
      expect(pushed?.status).toBe(200);
      // The caller's own op is not sent back to it (it has it), but the cursor moves past it.
      expect([pulled?.body.ops, pulled?.body.nextCursor]).toEqual([[], 1]);
      expect(sum?.body.seq).toBe(1);
      expect([ahead?.status, ahead?.body.code]).toEqual([410, 'sync.reset_required']);
      expect([notBatchable?.status, notBatchable?.body.code]).toEqual([404, 'route.not_found']);
      // A call is validated as it would be on its own, and runs as the batch's caller (their ledger).
      expect([invalid?.status, invalid?.body.code]).toEqual([400, 'validation.failed']);
      expect([read?.status, read?.body.id]).toEqual([200, op.rowId]);
    });

    it('compresses responses and accepts gzip request bodies', async () => {
      const { a } = await account();
      await a.push(
        Array.from({ length: 50 }, () => a.op('expenses', uuidv7(), exampleExpense())),
        { gzip: true },
      );
      const signedHeaders = await (async () => {
        await a.request('GET', '/v1/sync/pull?after=0');
        return a.lastSigned;
      })();
      expect(signedHeaders.signature).toBeTruthy();
      // fetch decodes transparently; check the encoding with a raw request.
      const { request } = await import('node:http');
      const url = new URL(`${server.url}/v1/healthz`.replace('/v1/healthz', '/v1/openapi.json'));
      const body = await new Promise<{ encoding: string | undefined; bytes: Buffer }>((resolve, reject) => {
        request(url, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ encoding: res.headers['content-encoding'], bytes: Buffer.concat(chunks) }),
          );
        })
          .on('error', reject)
          .end();
      });
      expect(body.encoding).toBe('gzip');
      expect(JSON.parse(gunzipSync(body.bytes).toString()).openapi).toBe('3.1.0');
    });

    it('answers bad input to every endpoint with a 4xx problem, never a 5xx, and writes nothing', async () => {
      const { a } = await account();
      await a.push([a.op('expenses', uuidv7(), exampleExpense())]);
      const before = await a.request<{ total: string; seq: number }>('GET', '/v1/sync/checksum');
      const doc = (await (await fetch(`${server.url}/v1/openapi.json`)).json()) as {
        paths: Record<string, Record<string, unknown>>;
      };
      const garbage: unknown[] = [
        'not json at all',
        '{"unterminated": ',
        [],
        { ops: 'nope' },
        { ops: [{}] },
        { ops: Array.from({ length: 1001 }, () => ({})) },
        { email: 42, password: null },
        { refreshToken: 'x'.repeat(10_000) },
        { deviceIds: ['zz'] },
        { calls: [{ method: 'DELETE', path: '/v2/x' }] },
      ];
      const failures: string[] = [];
      const check = (label: string, reply: { status: number; body: Record<string, unknown> }) => {
        if (reply.status < 400 || reply.status >= 500) failures.push(`${label} → ${reply.status}`);
        else if (typeof reply.body.code !== 'string') failures.push(`${label}: no problem code`);
      };
      for (const [template, methods] of Object.entries(doc.paths)) {
        const path = template.replace('{id}', 'not-a-uuid');
        for (const method of Object.keys(methods).map((m) => m.toUpperCase())) {
          if (method === 'GET') {
            const query = '?after=-1&limit=999999&from=yesterday&table=nope&bucket=99&cursor=%ZZ&unknown=1';
            // Calls without inputs have nothing to get wrong; the rest get a query full of mistakes.
            if (template === '/v1/sync/checksum' || template === '/v1/devices') continue;
            if (template.includes('{id}')) {
              check(`GET ${path}`, await a.request('GET', path));
            } else {
              check(`GET ${path}${query}`, await a.request('GET', `${path}${query}`));
            }
            continue;
          }
          for (const body of garbage)
            check(
              `${method} ${path} ${JSON.stringify(body).slice(0, 40)}`,
              await a.request(method, path, body),
            );
        }
      }
      const huge = await a.request('POST', '/v1/sync/push', `{"ops":["${'x'.repeat(5 * 1024 * 1024)}"]}`);
      expect([huge.status, huge.body.code]).toEqual([413, 'request.too_large']);
      // 50 MiB of JSON in 50 KiB of gzip: refused while inflating, never decoded whole. (Size limits apply
      // before authentication, so this need not be signed.)
      const bomb = await fetch(`${server.url}/v1/sync/push`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        body: gzipSync(
          Buffer.concat([Buffer.from('{"ops":["'), Buffer.alloc(50 * 1024 * 1024, 'x'), Buffer.from('"]}')]),
        ),
      });
      expect([bomb.status, ((await bomb.json()) as { code: string }).code]).toEqual([
        413,
        'request.too_large',
      ]);
      const xml = await a.request('POST', '/v1/sync/push', '<ops/>', {
        headers: { 'content-type': 'application/xml' },
      });
      expect([xml.status, xml.body.code]).toEqual([415, 'request.unsupported_media_type']);
      expect(failures).toEqual([]);
      const after = await a.request<{ total: string; seq: number }>('GET', '/v1/sync/checksum');
      expect(after.body).toEqual(before.body);
    });
  });
}
