import { randomBytes } from 'node:crypto';
import { uuidv7 } from '@kakeibo/core';
import { describe, expect, it } from 'vitest';
import type { RefreshTokenRecord, Storage } from '../src/storage/index.js';
import { newAccount, type TestClock } from './support/index.js';

/** Accounts, devices, refresh tokens and the audit log. */

const at = (offsetMs: number) => new Date(Date.UTC(2025, 0, 1) + offsetMs).toISOString();

export function accountCases(get: () => Storage): void {
  describe('accounts', () => {
    it('creates, finds, lists and updates a user', async () => {
      const storage = get();
      const { userId, ledgerId, email, user } = await newAccount(storage);
      expect(user).toMatchObject({
        id: userId,
        email,
        ledgerId,
        disabledAt: null,
        passwordHash: 'argon2id$user',
      });
      expect(Date.parse(user.createdAt)).not.toBeNaN();

      expect(await storage.findUserById(userId)).toEqual(user);
      expect(await storage.findUserByEmail(email)).toEqual(user);
      expect(await storage.findUserByEmail(`  ${email.toUpperCase()} `)).toEqual(user);
      expect(await storage.findUserByEmail('nobody@example.test')).toBeNull();
      expect(await storage.findUserById(uuidv7())).toBeNull();
      expect((await storage.listUsers()).find((u) => u.id === userId)).toEqual(user);

      await storage.updatePasswordHash(userId, 'argon2id$new');
      expect((await storage.findUserById(userId))?.passwordHash).toBe('argon2id$new');

      await storage.setUserDisabled(userId, true);
      const disabled = await storage.findUserById(userId);
      expect(Date.parse(disabled?.disabledAt ?? '')).not.toBeNaN();
      await storage.setUserDisabled(userId, false);
      expect((await storage.findUserById(userId))?.disabledAt).toBeNull();
      expect(await storage.head(ledgerId)).toBe(0);
    });

    it('creates an account with its device and first session in one transaction, or nothing of it', async () => {
      const storage = get();
      const account = () => {
        const userId = uuidv7();
        const ledgerId = uuidv7();
        const deviceId = randomBytes(8).toString('hex');
        return {
          user: { id: userId, email: `signup-${userId}@example.test`, passwordHash: 'argon2id$s', ledgerId },
          device: {
            ledgerId,
            id: deviceId,
            userId,
            name: 'Phone',
            platform: 'test',
            publicKeyJwk: '{}',
            alg: 'ed25519',
          },
          refreshToken: token({ ledgerId, userId, deviceId }, randomBytes(32).toString('hex')),
        };
      };
      const first = account();
      const user = await storage.createAccount(first);
      expect(await storage.findUserByEmail(first.user.email)).toEqual(user);
      expect((await storage.findDevice(first.user.ledgerId, first.device.id))?.name).toBe('Phone');
      expect((await storage.findRefreshToken(first.refreshToken.tokenHash))?.deviceId).toBe(first.device.id);

      // The refresh token's insert fails (its hash is taken) after the user, ledger and device went
      // in: none of them stays, and the same email signs up afterwards.
      const failing = account();
      failing.refreshToken.tokenHash = first.refreshToken.tokenHash;
      await expect(storage.createAccount(failing)).rejects.toThrow();
      expect(await storage.findUserByEmail(failing.user.email)).toBeNull();
      expect(await storage.findUserById(failing.user.id)).toBeNull();
      expect(await storage.findDevice(failing.user.ledgerId, failing.device.id)).toBeNull();
      const retried = account();
      retried.user.email = failing.user.email;
      expect((await storage.createAccount(retried)).email).toBe(failing.user.email);

      // An email taken is auth.email_taken, and nothing of the second sign-up is stored.
      const taken = account();
      taken.user.email = first.user.email;
      await expect(storage.createAccount(taken)).rejects.toMatchObject({ code: 'auth.email_taken' });
      expect(await storage.findDevice(taken.user.ledgerId, taken.device.id)).toBeNull();
      expect(await storage.findRefreshToken(taken.refreshToken.tokenHash)).toBeNull();
    });

    it('refuses a second account with the same email, whatever its case', async () => {
      const storage = get();
      const { email } = await newAccount(storage);
      const before = (await storage.listUsers()).length;
      const ledgerId = uuidv7();
      await expect(
        storage.createUser({ id: uuidv7(), email: email.toUpperCase(), passwordHash: 'x', ledgerId }),
      ).rejects.toMatchObject({ code: 'auth.email_taken' });
      expect((await storage.listUsers()).length).toBe(before);
      // The ledger of the refused account was not created either (the transaction rolled back).
      await expect(storage.appendOps(ledgerId, [probeOp()])).rejects.toMatchObject({
        code: 'storage.ledger_not_found',
      });
    });
  });
}

const device = (ledgerId: string, userId: string, id: string, name = 'Phone') => ({
  ledgerId,
  id,
  userId,
  name,
  platform: 'ios',
  publicKeyJwk: JSON.stringify({ kty: 'OKP', crv: 'Ed25519', x: randomBytes(32).toString('base64url') }),
  alg: 'ed25519',
});

export function deviceCases(get: () => Storage): void {
  describe('devices', () => {
    it('inserts, finds, lists, touches and re-activates devices', async () => {
      const storage = get();
      const { ledgerId, userId } = await newAccount(storage);
      const phone = await storage.upsertDevice(device(ledgerId, userId, 'aaaaaaaaaaaaaaaa'));
      expect(phone).toMatchObject({
        ledgerId,
        userId,
        id: 'aaaaaaaaaaaaaaaa',
        name: 'Phone',
        revokedAt: null,
      });
      expect(phone.lastSeenAt).toBe(phone.createdAt);
      await storage.upsertDevice(device(ledgerId, userId, 'bbbbbbbbbbbbbbbb', 'Laptop'));
      expect(await storage.findDevice(ledgerId, 'aaaaaaaaaaaaaaaa')).toEqual(phone);
      expect(await storage.findDevice(ledgerId, 'cccccccccccccccc')).toBeNull();
      expect((await storage.listDevices(ledgerId)).map((d) => d.name).sort()).toEqual(['Laptop', 'Phone']);

      const later = new Date(Date.parse(phone.lastSeenAt) + 60_000).toISOString();
      await storage.touchDevice(ledgerId, phone.id, later);
      expect((await storage.findDevice(ledgerId, phone.id))?.lastSeenAt).toBe(later);
      // A late request does not move "last seen" backwards.
      await storage.touchDevice(ledgerId, phone.id, phone.createdAt);
      expect((await storage.findDevice(ledgerId, phone.id))?.lastSeenAt).toBe(later);

      expect(await storage.revokeDevices(ledgerId, [phone.id], later)).toEqual([phone.id]);
      expect((await storage.findDevice(ledgerId, phone.id))?.revokedAt).toBe(later);

      const again = await storage.upsertDevice({ ...device(ledgerId, userId, phone.id, 'New phone') });
      expect(again).toMatchObject({
        id: phone.id,
        name: 'New phone',
        revokedAt: null,
        createdAt: phone.createdAt,
      });
      expect(again.publicKeyJwk).not.toBe(phone.publicKeyJwk);
      expect((await storage.listDevices(ledgerId)).length).toBe(2);
    });

    it('revokes only active devices and their refresh tokens', async () => {
      const storage = get();
      const { ledgerId, userId } = await newAccount(storage);
      const other = await newAccount(storage, 'other');
      for (const id of ['1111111111111111', '2222222222222222', '3333333333333333']) {
        await storage.upsertDevice(device(ledgerId, userId, id));
        await storage.insertRefreshToken(token({ ledgerId, userId, deviceId: id }, `t-${ledgerId}-${id}`));
      }
      await storage.upsertDevice(device(other.ledgerId, other.userId, '1111111111111111'));
      await storage.insertRefreshToken(
        token(
          { ledgerId: other.ledgerId, userId: other.userId, deviceId: '1111111111111111' },
          `t-${other.ledgerId}`,
        ),
      );

      expect(await storage.revokeDevices(ledgerId, ['1111111111111111'], at(1))).toEqual([
        '1111111111111111',
      ]);
      const revoked = await storage.revokeDevices(
        ledgerId,
        ['1111111111111111', '2222222222222222', 'ffffffffffffffff'],
        at(2),
      );
      expect(revoked).toEqual(['2222222222222222']);
      expect(await storage.revokeDevices(ledgerId, [], at(3))).toEqual([]);

      expect((await storage.findDevice(ledgerId, '1111111111111111'))?.revokedAt).toBe(at(1));
      expect((await storage.findDevice(ledgerId, '3333333333333333'))?.revokedAt).toBeNull();
      expect((await storage.findRefreshToken(`t-${ledgerId}-1111111111111111`))?.revokedAt).toBe(at(1));
      expect((await storage.findRefreshToken(`t-${ledgerId}-2222222222222222`))?.revokedAt).toBe(at(2));
      expect((await storage.findRefreshToken(`t-${ledgerId}-3333333333333333`))?.revokedAt).toBeNull();
      // The same device id in another ledger is another device.
      expect((await storage.findDevice(other.ledgerId, '1111111111111111'))?.revokedAt).toBeNull();
      expect((await storage.findRefreshToken(`t-${other.ledgerId}`))?.revokedAt).toBeNull();
    });
  });
}

type NewToken = Omit<RefreshTokenRecord, 'rotatedAt' | 'successorHash' | 'revokedAt'>;

function token(
  owner: { ledgerId: string; userId: string; deviceId: string },
  hash: string,
  familyId = 'f',
): NewToken {
  return {
    tokenHash: hash,
    familyId: `${familyId}-${owner.ledgerId}`,
    createdAt: at(0),
    expiresAt: at(86_400_000),
    ...owner,
  };
}

export function refreshTokenCases(get: () => Storage): void {
  describe('refresh tokens', () => {
    const owner = async () => {
      const { ledgerId, userId } = await newAccount(get());
      return { ledgerId, userId, deviceId: 'abcdefabcdefabcd' };
    };
    const h = () => randomBytes(32).toString('hex');

    it('inserts and finds a token', async () => {
      const storage = get();
      const o = await owner();
      const t = token(o, h());
      await storage.insertRefreshToken(t);
      expect(await storage.findRefreshToken(t.tokenHash)).toEqual({
        ...t,
        rotatedAt: null,
        successorHash: null,
        revokedAt: null,
      });
      expect(await storage.findRefreshToken(h())).toBeNull();
    });

    it('rotates a token exactly once', async () => {
      const storage = get();
      const o = await owner();
      const first = token(o, h());
      const second = token(o, h());
      const third = token(o, h());
      await storage.insertRefreshToken(first);
      expect(await storage.rotateRefreshToken(first.tokenHash, second, at(5))).toBe(true);
      expect(await storage.findRefreshToken(first.tokenHash)).toMatchObject({
        rotatedAt: at(5),
        successorHash: second.tokenHash,
        revokedAt: null,
      });
      expect(await storage.findRefreshToken(second.tokenHash)).toMatchObject({
        rotatedAt: null,
        revokedAt: null,
      });

      expect(await storage.rotateRefreshToken(first.tokenHash, third, at(6))).toBe(false);
      expect(await storage.findRefreshToken(third.tokenHash)).toBeNull();
      expect((await storage.findRefreshToken(first.tokenHash))?.successorHash).toBe(second.tokenHash);

      await storage.revokeRefreshFamily(second.familyId, at(7));
      expect(await storage.rotateRefreshToken(second.tokenHash, third, at(8))).toBe(false);
      expect(await storage.rotateRefreshToken(h(), third, at(8))).toBe(false);
      expect(await storage.findRefreshToken(third.tokenHash)).toBeNull();
    });

    it('lets exactly one of two concurrent rotations win', async () => {
      const storage = get();
      const o = await owner();
      const first = token(o, h());
      await storage.insertRefreshToken(first);
      const outcomes = await Promise.all(
        [token(o, h()), token(o, h()), token(o, h())].map((next) =>
          storage.rotateRefreshToken(first.tokenHash, next, at(1)),
        ),
      );
      expect(outcomes.filter(Boolean)).toHaveLength(1);
    });

    it('replaces an unused successor after a lost answer, and only then', async () => {
      const storage = get();
      const o = await owner();
      const [first, lost, retried, another] = [token(o, h()), token(o, h()), token(o, h()), token(o, h())];
      await storage.insertRefreshToken(first);
      expect(await storage.replaceSuccessor(first.tokenHash, retried, at(1))).toBe(false); // not rotated yet
      expect(await storage.rotateRefreshToken(first.tokenHash, lost, at(2))).toBe(true);

      expect(await storage.replaceSuccessor(first.tokenHash, retried, at(3))).toBe(true);
      expect(await storage.findRefreshToken(first.tokenHash)).toMatchObject({
        successorHash: retried.tokenHash,
        rotatedAt: at(2),
      });
      expect((await storage.findRefreshToken(lost.tokenHash))?.revokedAt).toBe(at(3));
      expect(await storage.findRefreshToken(retried.tokenHash)).toMatchObject({
        revokedAt: null,
        rotatedAt: null,
      });

      // Once the successor has been used, a replay of the old token is reuse, not a retry.
      expect(await storage.rotateRefreshToken(retried.tokenHash, token(o, h()), at(4))).toBe(true);
      expect(await storage.replaceSuccessor(first.tokenHash, another, at(5))).toBe(false);
      expect(await storage.findRefreshToken(another.tokenHash)).toBeNull();
      expect((await storage.findRefreshToken(first.tokenHash))?.successorHash).toBe(retried.tokenHash);
    });

    it('revokes a whole family and leaves other families alone', async () => {
      const storage = get();
      const o = await owner();
      const a1 = token(o, h(), 'a');
      const a2 = token(o, h(), 'a');
      const b1 = token(o, h(), 'b');
      await storage.insertRefreshToken(a1);
      await storage.rotateRefreshToken(a1.tokenHash, a2, at(1));
      await storage.insertRefreshToken(b1);
      await storage.revokeRefreshFamily(a1.familyId, at(2));
      expect((await storage.findRefreshToken(a1.tokenHash))?.revokedAt).toBe(at(2));
      expect((await storage.findRefreshToken(a2.tokenHash))?.revokedAt).toBe(at(2));
      expect((await storage.findRefreshToken(b1.tokenHash))?.revokedAt).toBeNull();
      // Already revoked tokens keep their first revocation time.
      await storage.revokeRefreshFamily(a1.familyId, at(3));
      expect((await storage.findRefreshToken(a1.tokenHash))?.revokedAt).toBe(at(2));
    });

    it("marks the family's device as having its sessions ended, and no other device", async () => {
      const storage = get();
      const o = await owner();
      const other = { ...o, deviceId: '0000000000000002' };
      for (const d of [o, other]) await storage.upsertDevice(device(d.ledgerId, d.userId, d.deviceId));
      const mine = token(o, h(), 'm');
      await storage.insertRefreshToken(mine);
      await storage.insertRefreshToken(token(other, h(), 'n'));
      expect((await storage.findDevice(o.ledgerId, o.deviceId))?.sessionsEndedAt).toBeNull();

      await storage.revokeRefreshFamily(mine.familyId, at(5));
      expect((await storage.findDevice(o.ledgerId, o.deviceId))?.sessionsEndedAt).toBe(at(5));
      expect((await storage.findDevice(o.ledgerId, other.deviceId))?.sessionsEndedAt).toBeNull();
      // A later reuse moves the mark forward; an earlier one never moves it back.
      await storage.revokeRefreshFamily(mine.familyId, at(9));
      await storage.revokeRefreshFamily(mine.familyId, at(7));
      expect((await storage.findDevice(o.ledgerId, o.deviceId))?.sessionsEndedAt).toBe(at(9));
    });

    it("revokes a user's tokens except one device's", async () => {
      const storage = get();
      const o = await owner();
      const stranger = await owner();
      const mine = token(o, h(), 'x');
      const keep = token({ ...o, deviceId: '0000000000000001' }, h(), 'y');
      const theirs = token(stranger, h(), 'z');
      for (const t of [mine, keep, theirs]) await storage.insertRefreshToken(t);

      await storage.revokeUserRefreshTokens(o.userId, at(9), '0000000000000001');
      expect((await storage.findRefreshToken(mine.tokenHash))?.revokedAt).toBe(at(9));
      expect((await storage.findRefreshToken(keep.tokenHash))?.revokedAt).toBeNull();
      expect((await storage.findRefreshToken(theirs.tokenHash))?.revokedAt).toBeNull();

      await storage.revokeUserRefreshTokens(o.userId, at(10));
      expect((await storage.findRefreshToken(keep.tokenHash))?.revokedAt).toBe(at(10));
      expect((await storage.findRefreshToken(theirs.tokenHash))?.revokedAt).toBeNull();
    });
  });
}

export function auditCases(get: () => Storage, clock: TestClock): void {
  describe('audit', () => {
    it('records events and lists a ledger’s newest first', async () => {
      const storage = get();
      const { ledgerId, userId } = await newAccount(storage);
      const base = { ledgerId, userId, deviceId: '00000000000000aa', ip: '192.0.2.1' };
      await storage.recordAudit({ ...base, kind: 'auth.signin', detail: {} });
      clock.advance(5);
      await storage.recordAudit({
        ...base,
        kind: 'device.revoked',
        detail: { deviceIds: ['00000000000000bb'] },
      });
      await storage.recordAudit({
        ledgerId: null,
        userId: null,
        deviceId: null,
        ip: null,
        kind: 'auth.signin_failed',
        detail: {},
      });

      const events = await storage.listAudit(ledgerId, 10);
      expect(events.map((e) => e.kind)).toEqual(['device.revoked', 'auth.signin']);
      expect(events[0]).toMatchObject({
        ...base,
        // The log keeps the client's network, never its whole address.
        ip: '192.0.2.0',
        kind: 'device.revoked',
        detail: { deviceIds: ['00000000000000bb'] },
      });
      expect(events[0]?.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(Date.parse(events[0]?.at ?? '')).toBeGreaterThanOrEqual(Date.parse(events[1]?.at ?? ''));
      expect(await storage.listAudit(ledgerId, 1)).toHaveLength(1);
      expect(await storage.listAudit(uuidv7(), 10)).toEqual([]);
    });

    it('prunes events recorded before a time, of every ledger, and keeps the later ones', async () => {
      const storage = get();
      const { ledgerId, userId } = await newAccount(storage);
      const event = { ledgerId, userId, deviceId: null, ip: null, detail: {} };
      await storage.recordAudit({ ...event, kind: 'auth.signin' });
      await storage.recordAudit({ ...event, ledgerId: null, kind: 'auth.signin_failed' });
      clock.advance(60_000);
      const cut = clock.now();
      await storage.recordAudit({ ...event, kind: 'auth.signout' });
      expect(await storage.pruneAudit(cut)).toBeGreaterThanOrEqual(2);
      expect((await storage.listAudit(ledgerId, 10)).map((e) => e.kind)).toEqual(['auth.signout']);
      expect(await storage.pruneAudit(cut)).toBe(0);
    });
  });
}

/** A valid op for a ledger that must not exist. */
function probeOp() {
  const stamp = `${Date.now().toString(16).padStart(12, '0')}-0000-00000000000000ff`;
  return {
    id: uuidv7(),
    table: 'expenses' as const,
    rowId: uuidv7(),
    stamp,
    deviceId: '00000000000000ff',
    fields: { amount: 1 },
    prev: { amount: null },
  };
}
