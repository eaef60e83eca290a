import { randomBytes, randomInt } from 'node:crypto';
import { type Kakeibo, openKakeibo } from '@kakeibo/client';
import type { DeviceReply, DeviceTask, ExpenseRow } from './device-protocol.js';
import { contentHash, type ExpenseContent, JournalWriter, readJournal } from './journal.js';

/**
 * One device, in a process of its own (device-process.ts forks this file), so that a SIGKILL takes it
 * down mid-write or mid-sync exactly as a phone's OS would. It talks only to the public SDK; every
 * expense it adds is journalled (fsync'd) before the SDK sees it, after `create` resolved, and after
 * a `kb.sync()` resolved. Protocol: the parent sends one DeviceTask; this process answers with
 * DeviceReply messages and exits after `done` (or when the parent sends 'stop', for a writer).
 */

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Resolves once the message is handed to the IPC channel (before the process may exit). */
const send = (reply: DeviceReply) =>
  new Promise<void>((resolve) => {
    if (!process.send) return resolve();
    process.send(reply, () => resolve());
  });
const codeOf = (error: unknown) =>
  (error as { code?: string }).code ?? (error instanceof Error ? error.message : String(error));

let stopping = false;
const verifyFailures = { count: 0 };

/** A random expense carrying its marker in the note. */
function newExpense(device: string): ExpenseContent {
  const marker = `chaos:${device}:${randomBytes(8).toString('hex')}`;
  const day = new Date(Date.UTC(2025, 0, 1) + randomInt(0, 700) * 86_400_000).toISOString().slice(0, 10);
  return {
    marker,
    amount: randomInt(1, 5_000_000),
    currency: randomInt(0, 3) === 0 ? 'EUR' : 'JPY',
    date: day,
    payee: `payee ${randomBytes(3).toString('hex')}`,
    note: `${marker} ${randomBytes(randomInt(4, 40)).toString('base64')}`,
  };
}

class Device {
  /** Durable on this device, not yet acknowledged (from earlier lives of this device too). */
  private readonly unacked = new Set<string>();
  written = 0;
  acked = 0;
  syncErrors = 0;

  constructor(
    readonly kb: Kakeibo,
    private readonly task: DeviceTask,
    private readonly journal: JournalWriter,
  ) {
    for (const [marker, entry] of readJournal(task.journal).entries) {
      if (entry.outcome === 'durable') this.unacked.add(marker);
    }
  }

  /** Adds expenses in ONE local transaction, journalled before and after. */
  async add(count: number): Promise<void> {
    const expenses = Array.from({ length: count }, () => newExpense(this.task.device));
    // Tells the suite a write begins, so that it can aim a kill at the middle of it.
    if (this.task.mode === 'write') void send({ t: 'writing' });
    this.journal.append(...expenses.map((c) => ({ e: 'intent' as const, hash: contentHash(c), ...c })));
    const rows = await this.kb.expenses.createMany(
      expenses.map(({ marker: _m, ...fields }) => ({ ...fields })),
    );
    this.journal.append(
      ...rows.map((row, i) => ({ e: 'durable' as const, marker: expenses[i]?.marker ?? '', id: row.id })),
    );
    for (const c of expenses) this.unacked.add(c.marker);
    this.written += count;
  }

  /** One sync; on success, what was durable before it is acknowledged (nothing is added meanwhile). */
  async sync(): Promise<{ verified: boolean; repaired: number } | null> {
    const before = [...this.unacked];
    try {
      const result = await this.kb.sync();
      if (before.length) {
        this.journal.append({
          e: 'acked',
          markers: before,
          ...(this.task.mode === 'drain' && { final: true as const }),
        });
      }
      for (const marker of before) this.unacked.delete(marker);
      this.acked += before.length;
      return result;
    } catch (error) {
      this.syncErrors++;
      if (codeOf(error) === 'sync.verify_failed') {
        verifyFailures.count++;
        void send({ t: 'verify-failed', message: error instanceof Error ? error.message : String(error) });
      }
      return null;
    }
  }

  /** Syncs until a round succeeds with the outbox empty and verified, or the deadline passes. */
  async drain(timeoutMs: number) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const result = await this.sync();
      // verified implies the outbox was empty (the engine verifies nothing while ops wait).
      if (result?.verified) return result;
      if (Date.now() > deadline) {
        throw new Error(`outbox not drained in ${timeoutMs} ms (${this.kb.status().pendingOps} pending)`);
      }
      await sleep(200);
    }
  }

  async signInIfNeeded(): Promise<void> {
    if (this.kb.status().signedIn) return;
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        await this.kb.auth.signIn({ email: this.task.email, password: this.task.password });
        return;
      } catch (error) {
        if (codeOf(error) !== 'network.unreachable' || Date.now() > deadline) throw error;
        await sleep(200);
      }
    }
  }

  async rejected(): Promise<number> {
    return (await this.kb.rejected.list()).length;
  }

  /** Every expense this device holds (the check's view of the ledger). */
  async allExpenses(): Promise<ExpenseRow[]> {
    const rows: ExpenseRow[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.kb.expenses.list({
        limit: 500,
        includeDeleted: true,
        ...(cursor && { cursor }),
      });
      for (const r of page.items) {
        rows.push({
          id: r.id,
          amount: r.amount as number,
          currency: r.currency as string,
          date: r.date as string,
          payee: r.payee as string,
          note: r.note as string,
          deleted: r.deleted,
        });
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return rows;
  }
}

async function run(task: DeviceTask): Promise<void> {
  process.env.KAKEIBO_CLIENT_KEY_DIR = task.keyDir;
  const journal = new JournalWriter(task.journal);
  const kb = await openKakeibo({ serverUrl: task.serverUrl, dataDir: task.dataDir, deviceName: task.device });
  const device = new Device(kb, task, journal);
  const counts = () => ({
    written: device.written,
    acked: device.acked,
    syncErrors: device.syncErrors,
    verifyFailures: verifyFailures.count,
  });
  try {
    if (task.mode === 'signup') {
      await kb.auth.signUp({ email: task.email, password: task.password });
      await send({ t: 'done', ...counts() });
      return;
    }
    await device.signInIfNeeded();
    if (task.mode === 'seed') {
      for (let left = task.count ?? 0; left > 0; left -= 500) await device.add(Math.min(500, left));
      await device.drain(120_000);
      await send({ t: 'done', ...counts() });
    } else if (task.mode === 'write') {
      await send({ t: 'ready' });
      let sinceSync = 0;
      while (!stopping) {
        await device.add(1);
        if (++sinceSync >= (task.syncEvery ?? 5)) {
          sinceSync = 0;
          await device.sync();
          void send({ t: 'progress', ...counts() });
        }
        await sleep(randomInt(5, task.pauseMs ?? 40));
      }
      await send({ t: 'done', ...counts() });
    } else if (task.mode === 'bootstrap' || task.mode === 'check') {
      // A first sync is the bootstrap; the parent kills 'bootstrap' devices in the middle of it.
      await send({ t: 'syncing' });
      const first = await device.drain(180_000);
      await send({ t: 'synced' });
      // A second round compares the checksums again, now with nothing left to pull.
      const second = await device.drain(60_000);
      const rows = task.mode === 'check' ? await device.allExpenses() : undefined;
      await send({
        t: 'done',
        ...counts(),
        verified: first.verified && second.verified,
        repaired: first.repaired + second.repaired,
        rejected: await device.rejected(),
        expenses: rows ? rows.length : (await device.allExpenses()).length,
        ...(rows && { rows }),
      });
    } else if (task.mode === 'drain') {
      const result = await device.drain(120_000);
      await send({ t: 'done', ...counts(), ...result, rejected: await device.rejected() });
    }
  } finally {
    await kb.close();
    journal.close();
  }
}

process.on('message', (message: DeviceTask | 'stop') => {
  if (message === 'stop') {
    stopping = true;
    return;
  }
  run(message).then(
    () => process.exit(0),
    (error: unknown) =>
      send({
        t: 'error',
        message: error instanceof Error ? (error.stack ?? error.message) : String(error),
      }).then(() => process.exit(1)),
  );
});
