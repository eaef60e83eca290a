import { randomBytes } from 'node:crypto';
import { REALTIME_CLOSE, REALTIME_TICKET_TTL_MS, uuidv7 } from '@kakeibo/core';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { buildApp } from '../src/app.js';
import { deriveSubkey, SUBKEY_PURPOSES } from '../src/crypto/master-key.js';
import { setUserDisabled } from '../src/services/accounts.js';
import { hashRefreshToken } from '../src/services/tokens.js';
import { MemoryNotifier } from '../src/shared/events.js';
import { RedisShared } from '../src/shared/redis.js';
import { openPostgresStorage } from '../src/storage/postgres/open.js';
import {
  createTestDatabase,
  exampleExpense,
  PASSWORD,
  startTestServer,
  TestDevice,
  type TestServer,
  uniqueEmail,
} from './support/index.js';

interface Socket {
  ws: WebSocket;
  messages: Array<Record<string, unknown>>;
  closed: Promise<number>;
  next(predicate?: (m: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
}

function open(baseUrl: string, ticket: string): Socket {
  const ws = new WebSocket(
    `${baseUrl.replace(/^http/, 'ws')}/v1/realtime?ticket=${encodeURIComponent(ticket)}`,
  );
  const messages: Array<Record<string, unknown>> = [];
  const waiters: Array<{
    predicate: (m: Record<string, unknown>) => boolean;
    resolve: (m: Record<string, unknown>) => void;
  }> = [];
  ws.on('message', (data) => {
    const message = JSON.parse(String(data)) as Record<string, unknown>;
    messages.push(message);
    for (const waiter of [...waiters]) {
      if (waiter.predicate(message)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(message);
      }
    }
  });
  ws.on('error', () => {});
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  return {
    ws,
    messages,
    closed,
    next: (predicate = () => true) =>
      new Promise((resolve) => {
        const found = messages.find(predicate);
        if (found) resolve(found);
        else waiters.push({ predicate, resolve });
      }),
  };
}

const ticketOf = async (d: TestDevice) => {
  const reply = await d.request<{ ticket: string }>('POST', '/v1/realtime/ticket');
  expect(reply.status).toBe(200);
  return reply.body.ticket;
};

describe('realtime notices (one instance)', () => {
  let server: TestServer;
  afterEach(async () => {
    await server?.close();
  });

  async function account() {
    const email = uniqueEmail('rt');
    const a = await TestDevice.create(server.url);
    await a.signUp(email, PASSWORD);
    const b = await TestDevice.create(server.url);
    await b.signIn(email, PASSWORD);
    return { a, b, email };
  }

  it('opens with a single-use ticket, says hello with the head, and relays pushes', async () => {
    server = await startTestServer('sqlite');
    const { a, b } = await account();
    const unsigned = await b.request('POST', '/v1/realtime/ticket', undefined, { unsigned: true });
    expect(unsigned.status).toBe(401);
    const ticket = await ticketOf(b);
    const socket = open(server.url, ticket);
    expect(await socket.next()).toEqual({ type: 'hello', head: 0 });
    await a.push([a.op('expenses', uuidv7(), exampleExpense())]);
    expect(await socket.next((m) => m.type === 'ledger')).toEqual({ type: 'ledger', head: 1 });

    const reused = open(server.url, ticket);
    expect(await reused.closed).toBe(REALTIME_CLOSE.badTicket);
    const garbage = open(server.url, 'x'.repeat(43));
    expect(await garbage.closed).toBe(REALTIME_CLOSE.badTicket);
    socket.ws.close();
  });

  it('refuses an expired ticket with 4001, and sells tickets only to a signed session', async () => {
    let ahead = 0;
    server = await startTestServer('sqlite', { now: () => Date.now() + ahead });
    const { b } = await account();
    const noToken = await b.request('POST', '/v1/realtime/ticket', undefined, { token: null });
    expect(noToken.body.code).toBe('auth.missing_token');
    const ticket = await ticketOf(b);
    expect(ticket).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 random bytes, base64url
    ahead = REALTIME_TICKET_TTL_MS + 1_000; // still inside the ±300 s signature window
    const late = open(server.url, ticket);
    expect(await late.closed).toBe(REALTIME_CLOSE.badTicket);
    expect(late.messages).toEqual([]);
    const fresh = open(server.url, await ticketOf(b));
    expect(await fresh.next()).toEqual({ type: 'hello', head: 0 });
    fresh.ws.close();
  });

  it('closes a revoked device’s socket with a revoked notice and 4003', async () => {
    server = await startTestServer('sqlite');
    const { a, b } = await account();
    const socket = open(server.url, await ticketOf(b));
    await socket.next();
    await a.request('POST', '/v1/devices/revoke', { deviceIds: [b.id] });
    expect(await socket.next((m) => m.type === 'revoked')).toEqual({
      type: 'revoked',
      code: 'auth.device_revoked',
    });
    expect(await socket.closed).toBe(REALTIME_CLOSE.revoked);
  });

  it('closes the socket of a device revoked where no notice reached it, at the next heartbeat', async () => {
    // The CLI on the embedded database: it writes the revocation but cannot tell the running server.
    server = await startTestServer('sqlite', { heartbeatMs: 100 });
    const { b, email } = await account();
    const socket = open(server.url, await ticketOf(b));
    await socket.next();
    const elsewhere = new MemoryNotifier();
    await setUserDisabled({ storage: server.storage, now: Date.now, notifier: elsewhere }, email, true);
    expect(await socket.next((m) => m.type === 'revoked')).toEqual({
      type: 'revoked',
      code: 'auth.device_revoked',
    });
    expect(await socket.closed).toBe(REALTIME_CLOSE.revoked);
  });

  it('closes the socket of a device whose refresh token was reused, announced or not', async () => {
    server = await startTestServer('sqlite', { heartbeatMs: 100 });
    const { b } = await account();
    const stolen = b.session?.refreshToken as string;
    await b.refresh();
    await b.refresh();
    const announced = open(server.url, await ticketOf(b));
    await announced.next();
    expect((await b.refresh(stolen)).body.code).toBe('auth.refresh_reused');
    expect(await announced.next((m) => m.type === 'revoked')).toEqual({
      type: 'revoked',
      code: 'auth.session_revoked',
    });
    expect(await announced.closed).toBe(REALTIME_CLOSE.revoked);

    // Ended straight in the storage, where no notice tells the hub: the heartbeat's check closes it.
    const { b: c } = await account();
    const socket = open(server.url, await ticketOf(c));
    await socket.next();
    const record = await server.storage.findRefreshToken(hashRefreshToken(c.session?.refreshToken as string));
    await server.storage.revokeRefreshFamily(record?.familyId as string, new Date().toISOString());
    expect(await socket.next((m) => m.type === 'revoked')).toEqual({
      type: 'revoked',
      code: 'auth.session_revoked',
    });
    expect(await socket.closed).toBe(REALTIME_CLOSE.revoked);
  });

  it('catches a device that stopped reading up with the latest head, heads only growing', async () => {
    server = await startTestServer('sqlite');
    const { a, b } = await account();
    const socket = open(server.url, await ticketOf(b));
    await socket.next();
    const raw = (socket.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    raw.pause();
    for (let i = 0; i < 40; i++) await a.push([a.op('expenses', uuidv7(), exampleExpense())]);
    raw.resume();
    expect(await socket.next((m) => m.head === 40)).toEqual({ type: 'ledger', head: 40 });
    // Heads only grow, and the device never needed one message per push to end up current.
    const heads = socket.messages.filter((m) => m.type === 'ledger').map((m) => m.head as number);
    expect([...heads].sort((x, y) => x - y)).toEqual(heads);
    socket.ws.close();
  });

  it('drops a client that stops answering pings, and closes sockets with 1001 on shutdown', async () => {
    const heartbeatMs = 150;
    server = await startTestServer('sqlite', { heartbeatMs });
    const { b } = await account();
    const silent = open(server.url, await ticketOf(b));
    await silent.next();
    // Stop answering pings: ws answers them automatically unless the socket stops reading.
    const raw = (silent.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    raw.pause();
    const live = open(server.url, await ticketOf(b));
    let livePings = 0;
    live.ws.on('ping', () => livePings++);
    await live.next();
    const sockets = server.app.websocketServer.clients;
    expect(sockets.size).toBe(2);
    // Wait for what the heartbeats do, not for a while: the server drops the silent socket at the
    // first heartbeat that finds the ping of the one before unanswered, and pings the live one a
    // second time only if it answered the first (so it passed a heartbeat's check).
    await expect.poll(() => sockets.size, { timeout: 30_000 }).toBe(1);
    await expect.poll(() => livePings, { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
    raw.resume();
    expect(await silent.closed).toBe(1006); // terminated: no close frame
    expect(live.ws.readyState).toBe(WebSocket.OPEN);
    await server.app.close();
    expect(await live.closed).toBe(REALTIME_CLOSE.goingAway);
  });
});

describe('two instances sharing PostgreSQL and Redis', () => {
  const prefix = `kakeibo-test-${randomBytes(6).toString('hex')}:`;
  afterAll(async () => {
    const redis = new Redis('redis://127.0.0.1:6379');
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('gives every rate-limit window its expiry in the same transaction that counts it', async () => {
    const shared = await RedisShared.connect('redis://127.0.0.1:6379', prefix);
    const raw = new Redis('redis://127.0.0.1:6379');
    try {
      const first = await shared.record('probe', 60_000);
      const second = await shared.record('probe', 60_000);
      expect([first.count, second.count]).toEqual([1, 2]);
      const ttl = await raw.pttl(`${prefix}rl:probe`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60_000);
      expect((await shared.peek('probe')).count).toBe(2);
      await shared.reset('probe');
      expect((await shared.peek('probe')).count).toBe(0);
    } finally {
      raw.disconnect();
      await shared.close();
    }
  });

  it('share tickets, notices, revocations, throttling and replay protection', async () => {
    const db = await createTestDatabase();
    const masterKey = randomBytes(32);
    const instances = [];
    for (let i = 0; i < 2; i++) {
      const storage = await openPostgresStorage({
        connectionString: db.url,
        masterKey: deriveSubkey(masterKey, SUBKEY_PURPOSES.dataKeyWrap),
      });
      const redis = await RedisShared.connect('redis://127.0.0.1:6379', prefix);
      const app = await buildApp({ storage, masterKey, redis, loginLimits: { failuresPerAccount: 3 } });
      await app.listen({ port: 0, host: '127.0.0.1' });
      const address = app.server.address() as { port: number };
      instances.push({ app, storage, redis, url: `http://127.0.0.1:${address.port}` });
    }
    const [one, two] = instances as [(typeof instances)[0], (typeof instances)[0]];
    try {
      const health = await (await fetch(`${one.url}/healthz`)).json();
      expect(health).toEqual({ status: 'ok', storage: 'postgres', redis: 'connected' });
      const email = uniqueEmail('two');
      const a = await TestDevice.create(one.url);
      await a.signUp(email, PASSWORD);
      const b = await TestDevice.create(one.url);
      await b.signIn(email, PASSWORD);

      // A ticket bought on instance 1 opens a socket on instance 2.
      const socket = open(two.url, await ticketOf(b));
      await socket.next();
      await a.push([a.op('expenses', uuidv7(), exampleExpense())]);
      expect(await socket.next((m) => m.type === 'ledger')).toEqual({ type: 'ledger', head: 1 });

      // A request accepted by instance 1, replayed to instance 2, is refused there.
      const checksum = await a.request('GET', '/v1/sync/checksum');
      expect(checksum.status).toBe(200);
      const replay = await fetch(`${two.url}/v1/sync/checksum`, {
        headers: { ...a.lastSigned, authorization: `Bearer ${a.session?.accessToken}` },
      });
      expect(((await replay.json()) as { code: string }).code).toBe('signature.replayed');

      // Failed sign-ins count across instances.
      const guesser = await TestDevice.create(one.url);
      const other = await TestDevice.create(two.url);
      const statuses = [];
      for (const d of [guesser, other, guesser])
        statuses.push((await d.signIn(email, 'wrong wrong wrong')).status);
      statuses.push((await other.signIn(email, PASSWORD)).status);
      expect(statuses).toEqual([401, 401, 401, 429]);

      // Revoking B on instance 1 closes its socket on instance 2; its requests fail on both.
      await a.request('POST', '/v1/devices/revoke', { deviceIds: [b.id] });
      expect(await socket.closed).toBe(REALTIME_CLOSE.revoked);
      for (const baseUrl of [one.url, two.url]) {
        const reply = await b.request('GET', '/v1/devices', undefined, { baseUrl });
        expect(reply.body.code).toBe('auth.device_revoked');
      }
    } finally {
      for (const i of instances) {
        await i.app.close();
        await i.storage.close();
        await i.redis.close();
      }
      await db.drop();
    }
  });
});
