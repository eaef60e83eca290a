import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOGIN_LIMITS } from '../src/services/login-throttle.js';
import { RedisShared } from '../src/shared/redis.js';
import {
  type AdapterName,
  PASSWORD,
  startTestServer,
  TestDevice,
  type TestServer,
  uniqueEmail,
} from './support/index.js';

/**
 * Password guesses are counted before they are checked, atomically, so concurrency cannot outrun the
 * throttle; on each storage adapter with the in-process limiter, and with Redis as the shared one.
 */
export function apiThrottleSuite(adapter: AdapterName, limiter: 'in-process' | 'redis') {
  describe(`sign-in throttling under concurrency (${adapter}, ${limiter} limiter)`, () => {
    let server: TestServer;
    let redis: RedisShared | undefined;
    const prefix = `kakeibo-test-${randomBytes(6).toString('hex')}:`;
    beforeAll(async () => {
      if (limiter === 'redis') redis = await RedisShared.connect('redis://127.0.0.1:6379', prefix);
      server = await startTestServer(adapter, {
        loginLimits: { failuresPerIp: 10_000 },
        ...(redis && { redis }),
      });
    });
    afterAll(async () => {
      await server?.close();
      await redis?.close();
      if (limiter === 'redis') {
        const raw = new Redis('redis://127.0.0.1:6379');
        const keys = await raw.keys(`${prefix}*`);
        if (keys.length) await raw.del(...keys);
        raw.disconnect();
      }
    });

    it('checks no more passwords than the budget when 50 wrong guesses arrive at once', async () => {
      const email = uniqueEmail();
      const owner = await TestDevice.create(server.url);
      expect((await owner.signUp(email, PASSWORD)).status).toBe(201);
      const guesser = await TestDevice.create(server.url);
      const answers = await Promise.all(
        Array.from({ length: 50 }, () => guesser.signIn(email, 'wrong password guess')),
      );
      const statuses = answers.map((a) => a.status).sort();
      // Every answer that is not 429 is a password that was checked.
      expect(statuses.filter((s) => s === 401)).toHaveLength(LOGIN_LIMITS.failuresPerAccount);
      expect(statuses.filter((s) => s === 429)).toHaveLength(50 - LOGIN_LIMITS.failuresPerAccount);
    });

    it('lets no more sign-ups through than the budget when they arrive at once', async () => {
      // A server (and Redis prefix) of its own: the sign-up budget is the address's, whatever else
      // the suite signed up.
      const ownRedis = redis && (await RedisShared.connect('redis://127.0.0.1:6379', `${prefix}signups:`));
      const own = await startTestServer(adapter, {
        loginLimits: { signupsPerIp: 3 },
        ...(ownRedis && { redis: ownRedis }),
      });
      try {
        const devices = await Promise.all(Array.from({ length: 10 }, () => TestDevice.create(own.url)));
        const answers = await Promise.all(devices.map((d) => d.signUp(uniqueEmail(), PASSWORD)));
        expect(answers.filter((a) => a.status === 201)).toHaveLength(3);
        expect(answers.filter((a) => a.status === 429)).toHaveLength(7);
      } finally {
        await own.close();
        await ownRedis?.close();
      }
    });

    it('throttles wrong passwords when changing it on their own budget, never locking the owner out', async () => {
      const email = uniqueEmail();
      const owner = await TestDevice.create(server.url);
      expect((await owner.signUp(email, PASSWORD)).status).toBe(201);
      const wrong = { currentPassword: 'not my password', newPassword: 'a new long passphrase 42' };
      const answers = [];
      for (let i = 0; i <= LOGIN_LIMITS.failuresPerAccount; i++) {
        answers.push((await owner.request('POST', '/v1/auth/password', wrong)).status);
      }
      expect(answers.slice(0, -1).every((s) => s === 401)).toBe(true);
      expect(answers.at(-1)).toBe(429);
      const deleting = await owner.request('POST', '/v1/account/delete', { password: 'not my password' });
      expect(deleting.status).toBe(429);
      // Signing in is another budget: the owner still gets in.
      const again = await TestDevice.create(server.url);
      expect((await again.signIn(email, PASSWORD)).status).toBe(200);
    });
  });
}
