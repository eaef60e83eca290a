import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CHECKSUM_VERSION,
  combineBuckets,
  KakeiboError,
  type Op,
  type PackedRowMessage,
  type TableName,
} from '@kakeibo/core';
import type { AuditEventRecord, BackupAccount, BackupConflict, BackupOp, Storage } from '../storage/index.js';
import type { Destination } from './destinations/types.js';
import type { Manifest, PieceLine, PieceRef } from './format.js';
import { backupKeys } from './keys.js';
import { chainOf, readManifests } from './manifests.js';
import { fetchPiece, readPiece } from './pieces.js';
import { type Progress, SILENT } from './progress.js';
import { accountAt, chooseBackup, type LedgerPlan, planLedgers } from './restore-plan.js';

/**
 * `kakeibo backup restore` (and the trial restore of `verify`): every piece the chosen backup
 * needs is fetched and checked first (size and SHA-256), so a missing, cut or changed piece stops
 * the restore before anything is written; then accounts, then each ledger's data; last, every
 * ledger's checksum is compared with the one its backup recorded. The target is marked incomplete
 * until all of it has passed.
 */

const BATCH = 1000;

export interface RestoreOptions {
  destination: Destination;
  masterKey: Buffer;
  /** An empty storage (a new data directory's SQLite file, or an empty PostgreSQL database). */
  target: Storage;
  at?: string | undefined;
  backupId?: string | undefined;
  progress?: Progress;
}

export interface RestoreResult {
  backup: Manifest;
  /** The moment ops were cut at, or null: the whole backup. */
  at: string | null;
  accounts: number;
  ledgers: number;
  ops: number;
  /** Ledgers whose restored checksum equals one their backups recorded (at a cut between backups a ledger may have none). */
  checked: number;
}

export async function restoreBackup(options: RestoreOptions): Promise<RestoreResult> {
  const keys = backupKeys(options.masterKey);
  const progress = options.progress ?? SILENT;
  const all = await readManifests(options.destination, keys);
  if (all.length === 0)
    throw new KakeiboError('backup.none', `there is no backup at ${options.destination.location}`);
  const { backup, cut } = chooseBackup(all, { backupId: options.backupId, at: options.at });
  const chain = chainOf(backup, all);
  const scratch = await mkdtemp(join(tmpdir(), 'kakeibo-restore-'));
  try {
    const needed: PieceRef[] = [...backup.accountPieces, ...chain.flatMap((m) => m.dataPieces)];
    progress.phase('fetching pieces', needed.length);
    const files = new Map<string, string>();
    let bytes = 0;
    for (const ref of needed) {
      files.set(ref.name, await fetchPiece(options.destination, ref, scratch));
      bytes += ref.bytes;
      progress.advance(files.size, bytes);
    }
    const file = (ref: PieceRef) => files.get(ref.name) as string;

    await options.target.beginRestore();
    progress.phase('accounts', backup.totals.accounts);
    const restored = new Set<string>();
    for (const ref of backup.accountPieces) {
      const unowned: AuditEventRecord[] = [];
      for await (const line of readPiece(file(ref), ref.name, keys)) {
        if (line.t === 'audit') {
          const event = line.event as AuditEventRecord;
          if (cut === null || event.at <= cut) unowned.push(event);
        } else if (line.t === 'account') {
          const account = accountAt(line.account as BackupAccount, cut);
          if (!account) continue;
          await options.target.restoreAccount(account);
          restored.add(account.ledger.id);
          progress.advance(restored.size, 0);
        }
      }
      await options.target.restoreUnownedAudit(unowned);
    }

    const plans = planLedgers(chain, restored, cut);
    progress.phase('ledgers', plans.size);
    const writer = new LedgerWriter(options.target, plans, cut);
    for (const manifest of chain)
      for (const ref of manifest.dataPieces)
        await writer.piece(readPiece(file(ref), ref.name, keys), manifest === chain[0]);

    progress.phase('checking', plans.size);
    let checked = 0;
    for (const plan of plans.values()) {
      const head = await options.target.head(plan.id);
      const total = combineBuckets((await options.target.checksum(plan.id)).buckets);
      const recorded = plan.recorded.get(head);
      if (recorded === undefined) {
        if (cut === null && backup.checksumVersion === CHECKSUM_VERSION)
          throw new KakeiboError(
            'backup.restore_mismatch',
            `ledger ${plan.id} restored to ${head}, not to the head its backup recorded`,
          );
        continue;
      }
      if (recorded.checksum !== total)
        throw new KakeiboError(
          'backup.checksum_mismatch',
          `ledger ${plan.id}: the restored checksum ${total} is not the ${recorded.checksum} backup ${recorded.backupId} recorded at ${head}`,
        );
      checked += 1;
      progress.advance(checked, 0);
    }
    await options.target.finishRestore();
    return { backup, at: cut, accounts: restored.size, ledgers: plans.size, ops: writer.ops, checked };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Lines of one kind waiting to be written together. */
interface Pending {
  kind: 'logged' | 'replay' | 'rows' | 'conflicts';
  items: unknown[];
}

/** Writes the data lines of each ledger in batches, as its plan says. */
class LedgerWriter {
  private plan: LedgerPlan | undefined;
  private pending: Pending | null = null;
  ops = 0;

  constructor(
    private readonly target: Storage,
    private readonly plans: ReadonlyMap<string, LedgerPlan>,
    private readonly cut: string | null,
  ) {}

  async piece(lines: AsyncIterable<PieceLine>, fromFull: boolean): Promise<void> {
    for await (const line of lines) await this.line(line, fromFull);
    await this.flush();
    this.plan = undefined;
  }

  private async line(line: PieceLine, fromFull: boolean): Promise<void> {
    if (line.t === 'ledger') {
      await this.flush();
      this.plan = this.plans.get(line.id);
      return;
    }
    const plan = this.plan;
    if (!plan) return; // a ledger not restored (deleted since, or created after the cut)
    const direct = plan.mode === 'direct' && fromFull;
    if (line.t === 'op') {
      if (plan.closed) return;
      if (!direct && this.cut !== null && line.at > this.cut) {
        plan.closed = true;
        return;
      }
      const entry: BackupOp = { seq: line.seq, receivedAt: line.at, op: line.op as Op };
      await this.add(direct ? 'logged' : 'replay', entry);
    } else if (line.t === 'row' && direct) {
      await this.add('rows', { table: line.table as TableName, rowId: line.rowId, packed: line.packed });
    } else if (line.t === 'conflict' && direct) {
      const { t: _, ...conflict } = line;
      await this.add('conflicts', conflict);
    }
  }

  private async add(kind: Pending['kind'], item: unknown): Promise<void> {
    if (this.pending && this.pending.kind !== kind) await this.flush();
    this.pending ??= { kind, items: [] };
    this.pending.items.push(item);
    if (this.pending.items.length >= BATCH) await this.flush();
  }

  private async flush(): Promise<void> {
    const p = this.pending;
    const id = this.plan?.id;
    this.pending = null;
    if (!p || !id) return;
    if (p.kind === 'logged') await this.target.restoreLoggedOps(id, p.items as BackupOp[]);
    else if (p.kind === 'replay') await this.target.replayOps(id, p.items as BackupOp[]);
    else if (p.kind === 'rows') await this.target.restoreRows(id, p.items as PackedRowMessage[]);
    else await this.target.restoreConflicts(id, p.items as BackupConflict[]);
    if (p.kind === 'logged' || p.kind === 'replay') this.ops += p.items.length;
  }
}
