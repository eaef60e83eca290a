import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { uuidv7 } from '@kakeibo/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redactUrl } from '../src/app.js';
import {
  type AdapterName,
  exampleExpense,
  PASSWORD,
  startTestServer,
  TestDevice,
  type TestServer,
  uniqueEmail,
} from './support/index.js';

/**
 * What an adversarial probe found the server answering with a 500 or accepting silently, each now a
 * clear 4xx with a stable code, on both storage adapters (PostgreSQL's text cannot hold U+0000).
 */
export function apiHardeningSuite(adapter: AdapterName) {
  describe(`hostile input over HTTP (${adapter})`, () => {
    let server: TestServer;
    const logged: string[] = [];
    beforeAll(async () => {
      const stream = new Writable({
        write(chunk, _encoding, done) {
          logged.push(String(chunk));
          done();
        },
      });
      server = await startTestServer(adapter, { logger: { level: 'info', stream } });
    });
    afterAll(async () => {
      await server?.close();
    });

    const signedUp = async () => {
      const device = await TestDevice.create(server.url);
      expect((await device.signUp(uniqueEmail(), PASSWORD)).status).toBe(201);
      return device;
    };

    it('refuses U+0000 in an e-mail, a device name or platform with 400, and creates nothing, so a retry signs up', async () => {
      const email = uniqueEmail();
      for (const registration of [{ name: 'ph\u0000one' }, { platform: 'web\u0000' }]) {
        const device = await TestDevice.create(server.url);
        const body = { email, password: PASSWORD, device: { ...device.registration(), ...registration } };
        const reply = await device.request('POST', '/v1/auth/signup', body, { token: null });
        expect(reply).toMatchObject({ status: 400, body: { code: 'validation.failed' } });
        const signIn = await device.request('POST', '/v1/auth/signin', body, { token: null });
        expect(signIn.status).toBe(400);
      }
      const nul = await TestDevice.create(server.url);
      const body = { email: email.replace('@', '\u0000@'), password: PASSWORD, device: nul.registration() };
      for (const path of ['/v1/auth/signup', '/v1/auth/signin']) {
        const reply = await nul.request('POST', path, body, { token: null });
        expect(reply).toMatchObject({ status: 400, body: { code: 'validation.failed' } });
      }
      const device = await TestDevice.create(server.url);
      expect((await device.signUp(email, PASSWORD)).status).toBe(201);
    });

    it('refuses a snapshot cursor that is not one it made (U+0000, unknown table, not a row id)', async () => {
      const device = await signedUp();
      const first = await device.request<{ watermark: number }>('GET', '/v1/sync/snapshot?limit=10');
      for (const raw of [
        'expenses/\u0000',
        'nope/019ab4a2-6f1e-7a2b-8c3d-4e5f6a7b8c9d',
        'expenses/x',
        '\u0000/\u0000',
      ]) {
        const cursor = Buffer.from(raw).toString('base64url');
        const reply = await device.request(
          'GET',
          `/v1/sync/snapshot?watermark=${first.body.watermark}&cursor=${cursor}&limit=10`,
        );
        expect(reply).toMatchObject({ status: 400, body: { code: 'sync.bad_cursor' } });
      }
    });

    it('rejects an op whose text holds a lone surrogate, applying the rest of the push', async () => {
      const device = await signedUp();
      const bad = device.op('expenses', uuidv7(), exampleExpense({ payee: 'Bake\ud800ry' }));
      const good = device.op('expenses', uuidv7(), exampleExpense({ payee: 'Bakery' }));
      const reply = await device.push([bad, good]);
      expect(reply.status).toBe(200);
      expect(reply.body.acks.map((a) => [a.status, a.error?.code])).toEqual([
        ['rejected', 'op.invalid'],
        ['applied', undefined],
      ]);
    });

    it('rejects an op with a value nested 10,000 deep alone, with its reason, and applies the others', async () => {
      const device = await signedUp();
      const deep = device.op('expenses', uuidv7(), exampleExpense({ payee: 'PLACEHOLDER' }));
      const good = device.op('expenses', uuidv7(), exampleExpense());
      const nested = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
      const body = JSON.stringify({ ops: [deep, good] }).replace('"PLACEHOLDER"', nested);
      const reply = await device.request<{ acks: Array<{ status: string; error?: { code: string } }> }>(
        'POST',
        '/v1/sync/push',
        body,
      );
      expect(reply.status).toBe(200);
      expect(reply.body.acks.map((a) => [a.status, a.error?.code])).toEqual([
        ['rejected', 'op.invalid'],
        ['applied', undefined],
      ]);
      // The same inside a batch call: that call answers for itself.
      const batch = await device.request<{ results: Array<{ status: number; body: { acks?: unknown[] } }> }>(
        'POST',
        '/v1/batch',
        JSON.stringify({ calls: [{ method: 'POST', path: '/v1/sync/push', body: { ops: [deep] } }] }).replace(
          '"PLACEHOLDER"',
          nested,
        ),
      );
      expect(batch.status).toBe(200);
      expect(batch.body.results[0]).toMatchObject({ status: 200, body: { acks: [{ status: 'rejected' }] } });
    });

    it('refuses the key __proto__ anywhere in a body, and in an op on its own', async () => {
      const device = await signedUp();
      const op = device.op('expenses', uuidv7(), exampleExpense());
      const withProto = JSON.stringify({ ops: [op] }).replace('"fields":{', '"fields":{"__proto__":{"x":1},');
      const reply = await device.request('POST', '/v1/sync/push', withProto);
      expect(reply).toMatchObject({ status: 400, body: { code: 'request.forbidden_key' } });
      // A payee that merely says "__proto__" is text like any other.
      const named = device.op('expenses', uuidv7(), exampleExpense({ payee: '__proto__' }));
      expect((await device.push([named])).body.acks[0]?.status).toBe('applied');
    });

    it('refuses a body that is not UTF-8 with 400 request.invalid_utf8, never storing U+FFFD', async () => {
      const body = Buffer.concat([Buffer.from('{"email":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
      const reply = await fetch(`${server.url}/v1/auth/signin`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      expect(reply.status).toBe(400);
      expect(await reply.json()).toMatchObject({ code: 'request.invalid_utf8' });
    });

    it('answers a batch call with a malformed %-escape for itself (400), not the whole batch with a 500', async () => {
      const device = await signedUp();
      const reply = await device.request<{ results: Array<{ status: number; body: { code?: string } }> }>(
        'POST',
        '/v1/batch',
        {
          calls: [
            { method: 'GET', path: '/v1/expenses/%E0%A4%A' },
            { method: 'GET', path: '/v1/sync/checksum' },
          ],
        },
      );
      expect(reply.status).toBe(200);
      expect(reply.body.results.map((r) => [r.status, r.body.code])).toEqual([
        [400, 'request.bad_url'],
        [200, undefined],
      ]);
    });

    it('answers a URL whose %-escapes do not decode with 400 problem+json, signed or not', async () => {
      const device = await signedUp();
      for (const options of [{}, { unsigned: true }]) {
        const reply = await device.request('GET', '/v1/expenses/%zz', undefined, options);
        expect(reply.status).toBe(400);
        expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(reply.body).toMatchObject({ status: 400, code: 'request.bad_url' });
      }
    });

    it('never writes a realtime ticket to its log', async () => {
      const device = await signedUp();
      const { body } = await device.request<{ ticket: string }>('POST', '/v1/realtime/ticket', {});
      await fetch(`${server.url}/v1/realtime?ticket=${encodeURIComponent(body.ticket)}`).catch(() => {});
      await expect
        .poll(() => logged.some((line) => line.includes('/v1/realtime?ticket=[redacted]')))
        .toBe(true);
      expect(logged.join('\n')).not.toContain(body.ticket);
      expect(redactUrl('/v1/realtime?a=1&ticket=secret&b=2')).toBe('/v1/realtime?a=1&ticket=[redacted]&b=2');
    });
  });

  describe(`RFC 9421 signatures from other signers (${adapter})`, () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer(adapter);
    });
    afterAll(async () => {
      await server?.close();
    });

    /**
     * Signs GET /v1/devices as another RFC 9421 library might: its own label and parameter order, and
     * @authority and @target-uri covered too. The base is written out here by hand, not by core.
     */
    async function signedElsewhere(device: TestDevice, tamper: (base: string) => string = (b) => b) {
      const { host } = new URL(server.url);
      const components =
        '("@method" "@authority" "@target-uri" "@path" "@query" "content-digest" "authorization")';
      const params = `;keyid="${device.id}";created=${Math.floor(Date.now() / 1000)};nonce="${uuidv7()}";tag="other-library"`;
      const digest = 'sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:';
      const authorization = `Bearer ${device.session?.accessToken}`;
      const base = [
        '"@method": GET',
        `"@authority": ${host}`,
        `"@target-uri": ${server.url}/v1/devices`,
        '"@path": /v1/devices',
        '"@query": ?',
        `"content-digest": ${digest}`,
        `"authorization": ${authorization}`,
        `"@signature-params": ${components}${params}`,
      ].join('\n');
      const signature = new Uint8Array(
        await crypto.subtle.sign(
          { name: 'ECDSA', hash: 'SHA-256' },
          device.keys.privateKey,
          new TextEncoder().encode(tamper(base)),
        ),
      );
      return fetch(`${server.url}/v1/devices`, {
        headers: {
          authorization,
          'content-digest': digest,
          'signature-input': `other=${components}${params}`,
          signature: `other=:${Buffer.from(signature).toString('base64')}:`,
        },
      });
    }

    it('accepts any label and any extra covered components, @authority and @target-uri included', async () => {
      const device = await TestDevice.create(server.url);
      expect((await device.signUp(uniqueEmail(), PASSWORD)).status).toBe(201);
      const answer = await signedElsewhere(device);
      expect(answer.status).toBe(200);
      const wrongHost = await signedElsewhere(device, (base) => base.replace('127.0.0.1', 'localhost'));
      expect(wrongHost.status).toBe(401);
      expect((await wrongHost.json()).code).toBe('signature.invalid');
    });
  });

  describe(`replays across a restart (${adapter})`, () => {
    it('refuses a signed request replayed after the server restarted, its memory gone', async () => {
      let server = await startTestServer(adapter);
      try {
        const device = await TestDevice.create(server.url);
        expect((await device.signUp(uniqueEmail(), PASSWORD)).status).toBe(201);
        expect((await device.request('GET', '/v1/devices')).status).toBe(200);
        const captured = { ...device.lastSigned };
        // What an attacker who captured it would send again, once the server came back.
        server = await server.restart();
        const replayed = await device.request('GET', '/v1/devices', undefined, {
          replay: captured,
          baseUrl: server.url,
        });
        expect([replayed.status, replayed.body.code]).toEqual([401, 'signature.replayed']);
        // A fresh signature is of course accepted.
        expect((await device.request('GET', '/v1/devices', undefined, { baseUrl: server.url })).status).toBe(
          200,
        );
      } finally {
        await server.close();
      }
    });
  });

  describe(`slow clients (${adapter})`, () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer(adapter, {
        timeouts: { headersMs: 300, requestMs: 600, checkEveryMs: 50 },
      });
    });
    afterAll(async () => {
      await server?.close();
    });

    /** Sends `text` on a raw connection and resolves with what came back once the server closed it. */
    const trickle = (text: string) =>
      new Promise<string>((resolve, reject) => {
        const { port } = new URL(server.url);
        const socket = connect(Number(port), '127.0.0.1', () => socket.write(text));
        let answer = '';
        socket.on('data', (chunk) => {
          answer += String(chunk);
        });
        socket.on('error', reject);
        socket.on('close', () => resolve(answer));
      });

    it('closes a connection whose headers never end, and one whose body never comes, with 408', async () => {
      const headers = await trickle('POST /v1/sync/push HTTP/1.1\r\nHost: x\r\nContent-Type: appl');
      expect(headers).toMatch(/^HTTP\/1\.1 408 /);
      const body = await trickle(
        'POST /v1/sync/push HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"ops":[',
      );
      expect(body).toMatch(/^HTTP\/1\.1 408 /);
    });
  });
}
