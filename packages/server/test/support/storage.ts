import { decodeRows, MemoryReplica, type Op, type SnapshotRow, uuidv7 } from '@kakeibo/core';
import { exampleExpense, type OpWriter } from '../../../core/test/support/index.js';
import type { Storage } from '../../src/storage/index.js';

/** Builders shared by the storage suite and the canary tests: accounts, devices and real ops. */

export async function newAccount(storage: Storage, label = 'user') {
  const userId = uuidv7();
  const ledgerId = uuidv7();
  const email = `${label}-${userId}@example.test`;
  const user = await storage.createUser({ id: userId, email, passwordHash: `argon2id$${label}`, ledgerId });
  return { userId, ledgerId, email, user };
}

/** The server as core models it: applies each op id once, in arrival order. */
export class Reference {
  readonly replica = new MemoryReplica();
  private readonly seen = new Set<string>();

  push(ops: readonly Op[]): void {
    for (const op of ops) {
      if (this.seen.has(op.id)) continue;
      this.seen.add(op.id);
      this.replica.apply(op);
    }
  }
}

/** `count` new expense rows, one op each, spread over dates so they sort in interesting ways. */
export function newExpenses(writer: OpWriter, count: number): Op[] {
  const ops: Op[] = [];
  for (let i = 0; i < count; i++) {
    const day = String((i % 28) + 1).padStart(2, '0');
    ops.push(
      writer.edit(
        'expenses',
        uuidv7(),
        exampleExpense({ amount: i + 1, date: `2025-01-${day}`, payee: `p${i}` }),
      ),
    );
  }
  return ops;
}

/**
 * Every row of a ledger through readSnapshot, in pages of `pageSize`, decoded exactly as a device
 * decodes a snapshot page (core decodeRows: every packed row checked against the entity schemas), so
 * what storage hands the snapshot route is proven readable by the client on both adapters.
 */
export async function snapshotAll(storage: Storage, ledgerId: string, pageSize = 1000) {
  const rows: SnapshotRow[] = [];
  let after: { table: string; rowId: string } | null = null;
  for (;;) {
    const page = await storage.readSnapshot(ledgerId, after, pageSize);
    rows.push(...decodeRows(page).rows);
    const last = page.at(-1);
    if (!last || page.length < pageSize) return rows;
    after = { table: last.table, rowId: last.rowId };
  }
}

/** The whole observable sync state of a ledger, for "nothing changed" assertions. */
export async function syncState(storage: Storage, ledgerId: string) {
  return {
    head: await storage.head(ledgerId),
    ops: (await storage.readOps(ledgerId, 0, 1000)).ops,
    rows: await snapshotAll(storage, ledgerId),
    checksum: await storage.checksum(ledgerId),
    conflicts: await storage.listConflicts(ledgerId, 0, 1000),
  };
}

/**
 * The storage's clock in the suite: the real time, moved on by hand where a case needs two stamps to
 * differ (instead of sleeping until they do).
 */
export class TestClock {
  private offsetMs = 0;
  now(): string {
    return new Date(Date.now() + this.offsetMs).toISOString();
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}
