import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { AuditRetention } from '../src/services/audit-retention.js';
import { LOGIN_LIMITS, LoginThrottle } from '../src/services/login-throttle.js';
import { RedisShared } from '../src/shared/redis.js';
import { openSqliteStorage } from '../src/storage/index.js';
import { truncateIp } from '../src/storage/ip-truncation.js';
import { newAccount } from './support/index.js';

describe('client addresses in the security log', () => {
  it('keep the network only: IPv4 to /24, IPv6 to /48, a mapped IPv4 as IPv4', () => {
    expect(truncateIp('203.0.113.77')).toBe('203.0.113.0');
    expect(truncateIp('::ffff:198.51.100.9')).toBe('198.51.100.0');
    expect(truncateIp('2001:db8:85a3:8d3:1319:8a2e:370:7348')).toBe('2001:db8:85a3::');
    expect(truncateIp('2001:0DB8::1')).toBe('2001:db8:0::');
    expect(truncateIp('::1')).toBe('0:0:0::');
    expect(truncateIp('fe80::1%eth0')).toBe('fe80:0:0::');
    expect(truncateIp(null)).toBeNull();
    // Anything that is not an address is not kept at all.
    for (const junk of ['', 'localhost', '999.1.1.1', '1.2.3', 'a@b']) expect(truncateIp(junk)).toBeNull();
  });
});

describe('the security log’s retention', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kakeibo-retention-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('deletes the events older than the period, on start and when asked, and keeps the rest', async () => {
    const storage = await openSqliteStorage({ file: join(dir, 'retention.db'), key: randomBytes(32) });
    try {
      const { ledgerId, userId } = await newAccount(storage);
      const event = { ledgerId, userId, deviceId: null, ip: null, detail: {} };
      await storage.recordAudit({ ...event, kind: 'auth.signin' });
      let ahead = 0;
      const retention = new AuditRetention(storage, 30, () => Date.now() + ahead);
      expect(await retention.prune()).toBe(0);
      ahead = 31 * 86_400_000;
      await storage.recordAudit({ ...event, kind: 'auth.signout' }); // recorded "now", 31 days before `ahead`
      ahead = 30 * 86_400_000 + 60_000;
      expect(await retention.prune()).toBe(2);
      expect(await storage.listAudit(ledgerId, 10)).toEqual([]);

      await storage.recordAudit({ ...event, kind: 'auth.signin' });
      ahead = 29 * 86_400_000;
      retention.start(60_000);
      await retention.stop();
      expect((await storage.listAudit(ledgerId, 10)).map((e) => e.kind)).toEqual(['auth.signin']);
    } finally {
      await storage.close();
    }
  });
});

describe('the sign-in throttle on a shared Redis', () => {
  it('names its budgets by keyed hashes: no e-mail or client address among the keys', async () => {
    const prefix = `kakeibo-test-${randomBytes(6).toString('hex')}:`;
    const shared = await RedisShared.connect('redis://127.0.0.1:6379', prefix);
    const raw = new Redis('redis://127.0.0.1:6379');
    try {
      const throttle = new LoginThrottle(shared, Date.now, LOGIN_LIMITS, randomBytes(32));
      await throttle.signIn('hanako@example.test', '203.0.113.77');
      await throttle.signup('203.0.113.77');
      const keys = await raw.keys(`${prefix}*`);
      expect(keys.length).toBeGreaterThanOrEqual(3);
      const text = keys.join('\n');
      expect(text).not.toContain('hanako');
      expect(text).not.toContain('203.0.113');
      // The same key names the same budget: a second guess is counted against the first.
      const again = new LoginThrottle(
        shared,
        Date.now,
        { ...LOGIN_LIMITS, failuresPerAccount: 1 },
        Buffer.alloc(32),
      );
      await again.signIn('hanako@example.test', '192.0.2.1');
      await expect(again.signIn('hanako@example.test', '192.0.2.2')).rejects.toMatchObject({
        code: 'auth.throttled',
      });
    } finally {
      const keys = await raw.keys(`${prefix}*`);
      if (keys.length) await raw.del(...keys);
      raw.disconnect();
      await shared.close();
    }
  });
});
