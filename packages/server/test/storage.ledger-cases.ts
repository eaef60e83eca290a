import { uuidv7 } from '@kakeibo/core';
import { describe, expect, it } from 'vitest';
import type { Storage } from '../src/storage/index.js';
import { exampleExpense, newAccount, newExpenses, OpWriter, syncState } from './support/index.js';

/** Ledgers are separate worlds, and deleting an account removes its whole world. */
export function ledgerCases(get: () => Storage): void {
  describe('ledgers', () => {
    it('keeps ledgers apart, even for the same op', async () => {
      const storage = get();
      const a = await newAccount(storage, 'a');
      const b = await newAccount(storage, 'b');
      const w = new OpWriter();
      const ops = newExpenses(w, 4);
      await storage.appendOps(a.ledgerId, ops);
      expect(await syncState(storage, b.ledgerId)).toEqual({
        head: 0,
        ops: [],
        rows: [],
        checksum: { seq: 0, buckets: [] },
        conflicts: [],
      });
      expect((await storage.queryRows(b.ledgerId, { table: 'expenses', limit: 10 })).items).toEqual([]);
      expect(await storage.getRow(b.ledgerId, 'expenses', ops[0]?.rowId ?? '')).toBeNull();

      // Op ids are unique per ledger: the same op in another ledger is new there.
      const inB = await storage.appendOps(b.ledgerId, ops.slice(0, 2));
      expect(inB.results.map((r) => r.status)).toEqual(['applied', 'applied']);
      expect(await storage.head(a.ledgerId)).toBe(4);
      expect((await storage.checksum(b.ledgerId)).buckets).not.toEqual(
        (await storage.checksum(a.ledgerId)).buckets,
      );
    });

    it('deleteUser removes every row of that ledger and nothing of another', async () => {
      const storage = get();
      const doomed = await seedAccount(storage, 'doomed');
      const kept = await seedAccount(storage, 'kept');
      const keptBefore = await syncState(storage, kept.ledgerId);

      await storage.deleteUser(doomed.userId);
      expect(await storage.findUserById(doomed.userId)).toBeNull();
      expect(await storage.findUserByEmail(doomed.email)).toBeNull();
      expect(await storage.listDevices(doomed.ledgerId)).toEqual([]);
      expect(await storage.findRefreshToken(doomed.tokenHash)).toBeNull();
      expect(await storage.listAudit(doomed.ledgerId, 10)).toEqual([]);
      expect(await syncState(storage, doomed.ledgerId)).toEqual({
        head: 0,
        ops: [],
        rows: [],
        checksum: { seq: 0, buckets: [] },
        conflicts: [],
      });
      // The ledger row itself is gone too.
      await expect(storage.appendOps(doomed.ledgerId, newExpenses(new OpWriter(), 1))).rejects.toMatchObject({
        code: 'storage.ledger_not_found',
      });
      // Its email is free again.
      await storage.createUser({ id: uuidv7(), email: doomed.email, passwordHash: 'x', ledgerId: uuidv7() });

      expect(await storage.findUserById(kept.userId)).not.toBeNull();
      expect(await storage.listDevices(kept.ledgerId)).toHaveLength(1);
      expect(await storage.findRefreshToken(kept.tokenHash)).not.toBeNull();
      expect(await storage.listAudit(kept.ledgerId, 10)).toHaveLength(1);
      expect(await syncState(storage, kept.ledgerId)).toEqual(keptBefore);
      expect(keptBefore.conflicts).toHaveLength(1);
      await storage.deleteUser(uuidv7()); // unknown: nothing to do
    });
  });
}

/** An account with something in every table: device, token, audit event, ops, rows, a conflict. */
async function seedAccount(storage: Storage, label: string) {
  const account = await newAccount(storage, label);
  const deviceId = '0123456789abcdef';
  await storage.upsertDevice({
    ledgerId: account.ledgerId,
    id: deviceId,
    userId: account.userId,
    name: label,
    platform: 'web',
    publicKeyJwk: '{}',
    alg: 'ed25519',
  });
  const tokenHash = `${label}-${account.userId}`;
  await storage.insertRefreshToken({
    tokenHash,
    ledgerId: account.ledgerId,
    userId: account.userId,
    deviceId,
    familyId: tokenHash,
    createdAt: new Date().toISOString(),
    expiresAt: new Date(Date.now() + 1000).toISOString(),
  });
  await storage.recordAudit({
    ledgerId: account.ledgerId,
    userId: account.userId,
    deviceId,
    kind: 'auth.signin',
    ip: null,
    detail: {},
  });
  const a = new OpWriter();
  const b = new OpWriter();
  const rowId = uuidv7();
  const created = a.edit('expenses', rowId, exampleExpense());
  b.see([created]);
  await storage.appendOps(account.ledgerId, [created, ...newExpenses(a, 3)]);
  await storage.appendOps(account.ledgerId, [a.edit('expenses', rowId, { amount: 1 })]);
  await storage.appendOps(account.ledgerId, [b.edit('expenses', rowId, { amount: 2 })]);
  return { ...account, tokenHash };
}
