import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AdapterName,
  PASSWORD,
  startTestServer,
  TestDevice,
  type TestServer,
  uniqueEmail,
} from './support/index.js';

/** Accounts, devices, signatures and tokens over real HTTP; run once per storage adapter. */
export function apiAuthSuite(adapter: AdapterName) {
  describe(`auth API over HTTP (${adapter})`, () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer(adapter);
    });
    afterAll(async () => {
      await server?.close();
    });

    const device = (alg?: 'ed25519' | 'ecdsa-p256-sha256') =>
      TestDevice.create(server.url, alg ? { alg } : {});
    const signedUp = async () => {
      const d = await device();
      const email = uniqueEmail();
      expect((await d.signUp(email, PASSWORD)).status).toBe(201);
      return { d, email };
    };

    it('answers /healthz and publishes an OpenAPI document generated from the schemas', async () => {
      const health = await fetch(`${server.url}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok', storage: adapter, redis: 'off' });
      const doc = (await (await fetch(`${server.url}/v1/openapi.json`)).json()) as {
        openapi: string;
        paths: Record<
          string,
          Record<string, { requestBody?: { content: Record<string, { schema: { properties: object } }> } }>
        >;
      };
      expect(doc.openapi).toBe('3.1.0');
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining([
          '/v1/auth/signup',
          '/v1/sync/push',
          '/v1/sync/pull',
          '/v1/expenses/{id}',
          '/v1/batch',
        ]),
      );
      const signup = doc.paths['/v1/auth/signup']?.post?.requestBody?.content['application/json']?.schema;
      expect(Object.keys(signup?.properties ?? {})).toEqual(['email', 'password', 'device']);
    });

    it('signs up and in with either key type, and a signed session reaches the API', async () => {
      for (const alg of ['ecdsa-p256-sha256', 'ed25519'] as const) {
        const d = await device(alg);
        const email = uniqueEmail(alg);
        const up = await d.signUp(email, PASSWORD);
        expect(up.status).toBe(201);
        expect(up.body).toMatchObject({ deviceId: d.id, accessToken: expect.stringMatching(/^kat1\./) });
        const list = await d.request<{ devices: Array<{ id: string; current: boolean }> }>(
          'GET',
          '/v1/devices',
        );
        expect(list.status).toBe(200);
        // Nothing the API answers may be kept by a browser, proxy or service worker cache.
        expect(up.headers.get('cache-control')).toBe('no-store');
        expect(list.headers.get('cache-control')).toBe('no-store');
        expect(list.body.devices).toEqual([
          expect.objectContaining({ id: d.id, current: true, platform: 'test' }),
        ]);
        const other = await device(alg);
        expect((await other.signIn(email.toUpperCase(), PASSWORD)).status).toBe(200);
        const both = await other.request<{ devices: unknown[] }>('GET', '/v1/devices');
        expect(both.body.devices).toHaveLength(2);
      }
    });

    it('answers with its protocol version, and refuses a request of another one before it runs', async () => {
      const signIn = (version?: string) =>
        fetch(`${server.url}/v1/auth/signin`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(version && { 'kakeibo-protocol': version }) },
          body: JSON.stringify({ email: uniqueEmail('protocol'), password: PASSWORD }),
        });
      // 3 is the version before split entries, 2 the one before accounts and transfers, 1 the one
      // before packed rows became one list.
      for (const version of ['1', '2', '3', '5', '0', 'one', '2.5']) {
        const refused = await signIn(version);
        expect(refused.status).toBe(400);
        expect(refused.headers.get('kakeibo-protocol')).toBe('4');
        expect(await refused.json()).toMatchObject({
          code: 'protocol.unsupported',
          supported: [4],
          detail: expect.stringContaining('update the app'),
        });
      }
      // The current version, and no header at all (curl, scripts), reach the route: here its own
      // validation (the sign-in names no device).
      for (const version of ['4', undefined]) {
        const answered = await signIn(version);
        expect(answered.headers.get('kakeibo-protocol')).toBe('4');
        expect(((await answered.json()) as { code: string }).code).toBe('validation.failed');
      }
    });

    it('checks a session before it reads the request, and a proof of possession after', async () => {
      const post = (path: string, body: string) =>
        fetch(`${server.url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        });
      // Without a session, an invalid body or query is never looked at: the caller is refused first,
      // in an answer no cache may keep.
      for (const refused of [
        await post('/v1/auth/password', '{}'),
        await fetch(`${server.url}/v1/sync/pull?after=abc`),
        await fetch(`${server.url}/v1/expenses/not-a-uuid`),
      ]) {
        expect(refused.status).toBe(401);
        expect(refused.headers.get('cache-control')).toBe('no-store');
        expect(refused.headers.get('kakeibo-protocol')).toBe('4');
        expect(((await refused.json()) as { code: string }).code).toBe('auth.missing_token');
      }
      // With one, the same request reaches validation.
      const { d } = await signedUp();
      for (const invalid of [
        await d.request('POST', '/v1/auth/password', {}),
        await d.request('GET', '/v1/sync/pull?after=abc'),
      ]) {
        expect([invalid.status, invalid.body.code]).toEqual([400, 'validation.failed']);
      }
      // Sign-up's signer is the key its body registers, so the body is validated before the signature
      // is: an unsigned sign-up with a bad body is told about the body.
      const unsigned = await post('/v1/auth/signup', JSON.stringify({ email: 'nope' }));
      expect(unsigned.status).toBe(400);
      expect(((await unsigned.json()) as { code: string }).code).toBe('validation.failed');
    });

    it('rejects weak and common passwords, bad emails and a taken email with clear problems', async () => {
      const d = await device();
      const weak = await d.signUp(uniqueEmail(), 'password123');
      expect(weak.status).toBe(400);
      expect(weak.headers.get('content-type')).toContain('application/problem+json');
      expect(weak.body).toMatchObject({ code: 'auth.weak_password', status: 400 });
      expect(weak.headers.get('cache-control')).toBe('no-store');
      const short = await d.signUp(uniqueEmail(), 'short');
      expect(short.body).toMatchObject({ code: 'validation.failed' });
      expect(short.body.errors).toEqual([expect.objectContaining({ path: 'body.password' })]);
      const email = await d.signUp('not-an-email', PASSWORD);
      expect(email.body).toMatchObject({ code: 'validation.failed' });
      const { email: taken } = await signedUp();
      const again = await (await device()).signUp(taken, PASSWORD);
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('auth.email_taken');
    });

    it('gives an unknown email and a wrong password the same status and body', async () => {
      const { email } = await signedUp();
      const wrong = await (await device()).signIn(email, 'not the password at all');
      const unknown = await (await device()).signIn(uniqueEmail('ghost'), 'not the password at all');
      expect(wrong.status).toBe(401);
      expect(unknown.status).toBe(401);
      expect(wrong.body).toEqual(unknown.body);
      expect(wrong.body.code).toBe('auth.invalid_credentials');
    });

    it('throttles password guessing per account with 429 and Retry-After, the same for unknown emails', async () => {
      for (const email of [(await signedUp()).email, uniqueEmail('ghost')]) {
        const d = await device();
        const statuses: number[] = [];
        for (let i = 0; i < 11; i++) statuses.push((await d.signIn(email, `wrong guess ${i}`)).status);
        expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
        const blocked = await d.signIn(email, PASSWORD);
        expect(blocked.status).toBe(429);
        expect(blocked.body.code).toBe('auth.throttled');
        expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
      }
    });

    it('refuses unsigned, tampered, replayed and foreign-signed requests with specific codes', async () => {
      const { d } = await signedUp();
      const unsigned = await d.request('GET', '/v1/devices', undefined, { unsigned: true });
      expect([unsigned.status, unsigned.body.code]).toEqual([401, 'signature.missing']);

      const path = await d.request('GET', '/v1/devices', undefined, {
        tamper: (req) => {
          req.path = '/v1/sync/checksum';
        },
      });
      expect([path.status, path.body.code]).toEqual([401, 'signature.invalid']);

      const tamperedBody = await d.request(
        'POST',
        '/v1/devices/revoke',
        { allButCurrent: true },
        {
          tamper: (req) => {
            req.body = JSON.stringify({ deviceIds: ['0000000000000000'] });
          },
        },
      );
      expect([tamperedBody.status, tamperedBody.body.code]).toEqual([401, 'signature.digest_mismatch']);

      const ok = await d.request('GET', '/v1/sync/checksum');
      expect(ok.status).toBe(200);
      const replay = await d.request('GET', '/v1/sync/checksum', undefined, { replay: d.lastSigned });
      expect([replay.status, replay.body.code]).toEqual([401, 'signature.replayed']);

      // A stolen token is useless without the device key.
      const thief = await device();
      const stolen = await thief.request('GET', '/v1/devices', undefined, {
        token: d.session?.accessToken ?? null,
      });
      expect(stolen.status).toBe(401);
      expect(stolen.body.code).toBe('signature.unknown_key');

      const forged = await d.request('GET', '/v1/devices', undefined, {
        token: `${d.session?.accessToken}x`,
      });
      expect([forged.status, forged.body.code]).toEqual([401, 'auth.invalid_token']);
      const none = await d.request('GET', '/v1/devices', undefined, { token: null });
      expect([none.status, none.body.code]).toEqual([401, 'auth.missing_token']);
    });

    it('requires sign-up to be signed by the key it registers', async () => {
      const d = await device();
      const impostor = await device();
      const reply = await impostor.request(
        'POST',
        '/v1/auth/signup',
        { email: uniqueEmail(), password: PASSWORD, device: d.registration() },
        { token: null },
      );
      expect([reply.status, reply.body.code]).toEqual([401, 'signature.unknown_key']);
    });

    it('rotates refresh tokens, allows a lost-answer retry, and revokes the family on reuse', async () => {
      const { d } = await signedUp();
      const first = d.session?.refreshToken as string;
      expect((await d.refresh()).status).toBe(200);
      const second = d.session?.refreshToken as string;
      expect(second).not.toBe(first);

      // The answer to that refresh was "lost": retrying with the first token works while the second is unused.
      const retry = await d.refresh(first);
      expect(retry.status).toBe(200);
      const third = d.session?.refreshToken as string;
      expect((await d.refresh(second)).body.code).toBe('auth.session_revoked');

      // Once a successor has itself been used, the old token coming back is theft: the whole family ends.
      expect((await d.refresh(third)).status).toBe(200);
      const fourth = d.session?.refreshToken as string;
      expect((await d.refresh(fourth)).status).toBe(200);
      const fifth = d.session?.refreshToken as string;
      const reuse = await d.refresh(third);
      expect([reuse.status, reuse.body.code]).toEqual([401, 'auth.refresh_reused']);
      const after = await d.refresh(fifth);
      expect([after.status, after.body.code]).toEqual([401, 'auth.session_revoked']);
    });

    it('refuses the access token of a family ended for reuse at once, and a new sign-in works', async () => {
      const { d, email } = await signedUp();
      const stolen = d.session?.refreshToken as string;
      expect((await d.refresh()).status).toBe(200);
      expect((await d.refresh()).status).toBe(200);
      const live = d.session?.accessToken as string;
      expect((await d.request('GET', '/v1/devices', undefined, { token: live })).status).toBe(200);

      expect((await d.refresh(stolen)).body.code).toBe('auth.refresh_reused');
      // The access token has minutes left, yet it is refused from the next request on.
      const refused = await d.request('GET', '/v1/devices', undefined, { token: live });
      expect([refused.status, refused.body.code]).toEqual([401, 'auth.session_revoked']);

      await d.signIn(email, PASSWORD);
      expect((await d.request('GET', '/v1/devices')).status).toBe(200);
      const still = await d.request('GET', '/v1/devices', undefined, { token: live });
      expect(still.body.code).toBe('auth.session_revoked');
    });

    it('binds a refresh token to its device', async () => {
      const { d } = await signedUp();
      const other = await device();
      const reply = await other.refresh(d.session?.refreshToken);
      expect(reply.status).toBe(401);
    });

    it('revokes one device or all others; a revoked device is refused at once', async () => {
      const { d, email } = await signedUp();
      const phone = await device();
      const tablet = await device();
      await phone.signIn(email, PASSWORD);
      await tablet.signIn(email, PASSWORD);
      const revoke = await d.request('POST', '/v1/devices/revoke', { deviceIds: [phone.id] });
      expect(revoke.body).toEqual({ revoked: [phone.id] });
      const refused = await phone.request('GET', '/v1/devices');
      expect([refused.status, refused.body.code]).toEqual([401, 'auth.device_revoked']);
      expect((await phone.refresh()).status).toBe(401);
      const unknown = await d.request('POST', '/v1/devices/revoke', { deviceIds: ['00000000000000aa'] });
      expect([unknown.status, unknown.body.code]).toEqual([404, 'device.not_found']);

      const all = await d.request<{ revoked: string[] }>('POST', '/v1/devices/revoke', {
        allButCurrent: true,
      });
      expect(all.body.revoked).toEqual([tablet.id]);
      expect((await tablet.request('GET', '/v1/devices')).status).toBe(401);
      const list = await d.request<{ devices: Array<{ id: string }> }>('GET', '/v1/devices');
      expect(list.body.devices.map((x) => x.id)).toEqual([d.id]);
      // A revoked device signs in again and is back.
      expect((await phone.signIn(email, PASSWORD)).status).toBe(200);
      expect((await phone.request('GET', '/v1/devices')).status).toBe(200);
    });

    it('changes the password, optionally ending the other sessions', async () => {
      const { d, email } = await signedUp();
      const other = await device();
      await other.signIn(email, PASSWORD);
      const wrong = await d.request('POST', '/v1/auth/password', {
        currentPassword: 'nope nope nope',
        newPassword: 'a new long passphrase',
      });
      expect(wrong.body.code).toBe('auth.invalid_credentials');
      const changed = await d.request('POST', '/v1/auth/password', {
        currentPassword: PASSWORD,
        newPassword: 'a new long passphrase',
        endOtherSessions: true,
      });
      expect(changed.body).toEqual({ endedDevices: [other.id] });
      expect((await other.request('GET', '/v1/devices')).status).toBe(401);
      expect((await d.request('GET', '/v1/devices')).status).toBe(200);
      expect((await (await device()).signIn(email, PASSWORD)).status).toBe(401);
      expect((await (await device()).signIn(email, 'a new long passphrase')).status).toBe(200);
    });

    it('signs out, and deletes an account with all its data', async () => {
      const { d, email } = await signedUp();
      expect((await d.request('POST', '/v1/auth/signout')).status).toBe(200);
      expect((await d.request('GET', '/v1/devices')).body.code).toBe('auth.device_revoked');
      await d.signIn(email, PASSWORD);
      const denied = await d.request('POST', '/v1/account/delete', { password: 'wrong wrong wrong' });
      expect(denied.status).toBe(401);
      expect((await d.request('POST', '/v1/account/delete', { password: PASSWORD })).status).toBe(200);
      expect(await server.storage.findUserByEmail(email)).toBeNull();
      expect((await (await device()).signIn(email, PASSWORD)).status).toBe(401);
    });

    it('sets security headers and answers unknown routes with problem+json', async () => {
      const reply = await fetch(`${server.url}/v1/nothing-here`);
      expect(reply.status).toBe(404);
      expect(reply.headers.get('content-type')).toContain('application/problem+json');
      expect(reply.headers.get('x-content-type-options')).toBe('nosniff');
      expect(reply.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(reply.headers.get('strict-transport-security')).toBeNull(); // plain HTTP: no HSTS
      expect(((await reply.json()) as { code: string }).code).toBe('route.not_found');
    });
  });
}

export function apiThrottleSuite(adapter: AdapterName) {
  describe(`sign-up and per-address throttling (${adapter})`, () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer(adapter, { loginLimits: { signupsPerIp: 2, failuresPerIp: 3 } });
    });
    afterAll(async () => {
      await server?.close();
    });

    it('limits sign-ups per address', async () => {
      const statuses = [];
      for (let i = 0; i < 3; i++)
        statuses.push((await (await TestDevice.create(server.url)).signUp(uniqueEmail(), PASSWORD)).status);
      expect(statuses).toEqual([201, 201, 429]);
    });

    it('limits failed sign-ins per address across accounts', async () => {
      const d = await TestDevice.create(server.url);
      const statuses = [];
      for (let i = 0; i < 4; i++)
        statuses.push((await d.signIn(uniqueEmail('spray'), 'some wrong password')).status);
      expect(statuses).toEqual([401, 401, 401, 429]);
    });
  });
}
