import type { PackedRowMessage } from '@kakeibo/core';
import { uuidv7 } from '@kakeibo/core';
import { describe, expect, it } from 'vitest';
import type { BackupAccount, BackupConflict, BackupOp, Storage } from '../src/storage/index.js';
import { exampleExpense, newAccount, newExpenses, OpWriter, syncState } from './support/index.js';

/**
 * The backup seam (BackupStorage): one consistent read of everything a ledger and its account
 * hold, and the restore writes that put it back, both ways a restore writes a ledger (as it was,
 * or by replaying its log), giving back exactly the state that was read.
 */
export function backupCases(get: () => Storage): void {
  describe('backup reads and restore writes', () => {
    it('keeps a server id, and records when each op was received', async () => {
      const storage = get();
      const first = await storage.serverInfo();
      expect(first.serverId).toMatch(/^[0-9a-f-]{36}$/);
      expect(await storage.serverInfo()).toEqual(first);
      expect(first.restoreIncomplete).toBe(false);
      const { ledgerId } = await newAccount(storage);
      const before = new Date().toISOString();
      await storage.appendOps(ledgerId, newExpenses(new OpWriter(), 3));
      const ops = await storage.readForBackup((source) => source.ops(ledgerId, 0, 3, 10));
      expect(ops.map((o) => o.seq)).toEqual([1, 2, 3]);
      for (const o of ops) expect(o.receivedAt >= before).toBe(true);
    });

    it('refuses to restore into a storage that holds accounts', async () => {
      const storage = get();
      await newAccount(storage);
      await expect(storage.beginRestore()).rejects.toMatchObject({ code: 'restore.target_not_empty' });
    });

    it('writes back what it read, as it was and by replaying the log', async () => {
      const storage = get();
      const seeded = await seedAccount(storage);
      const state = await syncState(storage, seeded.ledgerId);
      const read = await readLedger(storage, seeded.ledgerId);
      expect(read.account.devices.map((d) => d.name)).toEqual(['Pixel of mine']);
      expect(read.conflicts).toHaveLength(1);
      expect(read.checksum).toMatch(/^[0-9a-f]{16}$/);

      for (const way of ['as it was', 'replayed'] as const) {
        await storage.deleteUser(seeded.userId);
        await storage.restoreAccount(read.account);
        if (way === 'as it was') {
          await storage.restoreLoggedOps(seeded.ledgerId, read.ops);
          await storage.restoreConflicts(seeded.ledgerId, read.conflicts);
          await storage.restoreRows(seeded.ledgerId, read.rows);
        } else {
          await storage.replayOps(seeded.ledgerId, read.ops.slice(0, 2));
          await storage.replayOps(seeded.ledgerId, read.ops.slice(2));
        }
        expect(await syncState(storage, seeded.ledgerId), way).toEqual(state);
        expect(await readLedger(storage, seeded.ledgerId), way).toEqual(read);
        expect((await storage.findUserByEmail(seeded.email))?.id).toBe(seeded.userId);
      }
    });

    it('refuses to replay an op anywhere but at its recorded place in the log', async () => {
      const storage = get();
      const { ledgerId } = await newAccount(storage);
      const ops = newExpenses(new OpWriter(), 2).map((op, i) => ({
        seq: i + 2,
        receivedAt: new Date().toISOString(),
        op,
      }));
      await expect(storage.replayOps(ledgerId, ops)).rejects.toMatchObject({ code: 'restore.seq_mismatch' });
      await expect(storage.restoreLoggedOps(ledgerId, ops)).rejects.toMatchObject({
        code: 'restore.seq_mismatch',
      });
    });
  });
}

async function readLedger(storage: Storage, ledgerId: string) {
  return storage.readForBackup(async (source) => {
    const [account] = (await source.accounts([ledgerId])) as [BackupAccount];
    const head = (await source.ledgers(null, 100_000)).find((l) => l.id === ledgerId)?.head ?? 0;
    const ops: BackupOp[] = await source.ops(ledgerId, 0, head, 10_000);
    const rows: PackedRowMessage[] = await source.rows(ledgerId, null, 10_000);
    const conflicts: BackupConflict[] = await source.conflicts(ledgerId, null, head, 10_000);
    return {
      account,
      head,
      ops,
      rows,
      conflicts,
      checksum: await source.checksum(ledgerId),
      lastOpId: await source.opIdAt(ledgerId, head),
    };
  });
}

/** An account with something in every table: a device, a token, an event, ops, rows and a conflict. */
async function seedAccount(storage: Storage) {
  const account = await newAccount(storage, 'backup');
  await storage.upsertDevice({
    ledgerId: account.ledgerId,
    id: 'c0ffee00c0ffee00',
    userId: account.userId,
    name: 'Pixel of mine',
    platform: 'android',
    publicKeyJwk: '{}',
    alg: 'ed25519',
  });
  await storage.insertRefreshToken({
    tokenHash: `hash-${account.userId}`,
    ledgerId: account.ledgerId,
    userId: account.userId,
    deviceId: 'c0ffee00c0ffee00',
    familyId: `family-${account.userId}`,
    createdAt: new Date().toISOString(),
    expiresAt: new Date(Date.now() + 60_000).toISOString(),
  });
  await storage.recordAudit({
    ledgerId: account.ledgerId,
    userId: account.userId,
    deviceId: null,
    kind: 'auth.signin',
    ip: '203.0.113.9',
    detail: { how: 'password' },
  });
  const a = new OpWriter();
  const b = new OpWriter();
  const rowId = uuidv7();
  const created = a.edit('expenses', rowId, exampleExpense({ payee: 'Bakery' }));
  b.see([created]);
  await storage.appendOps(account.ledgerId, [created, ...newExpenses(a, 3)]);
  await storage.appendOps(account.ledgerId, [a.edit('expenses', rowId, { amount: 1 })]);
  await storage.appendOps(account.ledgerId, [b.edit('expenses', rowId, { amount: 2 })]);
  return account;
}
