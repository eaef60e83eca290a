import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHECKSUM_VERSION } from '@kakeibo/core';
import type { BackupLedger, BackupSource, Storage } from '../storage/index.js';
import { writeAccountPieces } from './account-pieces.js';
import type { Destination } from './destinations/types.js';
import {
  dataPieceName,
  FORMAT,
  FORMAT_VERSION,
  type LedgerEntry,
  type Manifest,
  newId,
  type PieceLine,
  type PieceRef,
} from './format.js';
import { type BackupKeys, backupKeys } from './keys.js';
import { readManifests, writeManifest } from './manifests.js';
import { PieceWriter } from './pieces.js';
import { type Progress, SILENT } from './progress.js';

/**
 * `kakeibo backup run`: one consistent snapshot of the storage (readForBackup) written as pieces,
 * then the manifest. The first backup at a destination, `--full`, or any backup whose continuity
 * with the last one cannot be proven starts a new generation with a full backup (every ledger's
 * whole log, conflicts and current rows); otherwise an incremental one holds each ledger's ops
 * since the last backup's head, and the account pieces that changed.
 */

/** Plaintext bytes after which a data piece is closed and the next one begun. */
const PIECE_PLAIN_BYTES = 32 * 1024 * 1024;
const PAGE = 1000;

export interface RunBackupOptions {
  storage: Storage;
  masterKey: Buffer;
  destination: Destination;
  full?: boolean;
  progress?: Progress;
}

export interface RunBackupResult {
  manifest: Manifest;
  name: string;
  /** Why this backup is a full one (null for an incremental). */
  fullBecause: string | null;
}

export async function runBackup(options: RunBackupOptions): Promise<RunBackupResult> {
  const keys = backupKeys(options.masterKey);
  const progress = options.progress ?? SILENT;
  const parent = (await readManifests(options.destination, keys)).at(-1) ?? null;
  const scratch = await mkdtemp(join(tmpdir(), 'kakeibo-backup-'));
  try {
    return await options.storage.readForBackup(async (source) => {
      const ledgers = await allLedgers(source);
      const fullBecause = options.full
        ? 'asked for (--full)'
        : await continuityBreak(source, parent, ledgers);
      const incremental = fullBecause === null && parent !== null;
      const generation = incremental ? parent.generation : newId();
      const previous = new Map(incremental ? parent.ledgers.map((l) => [l.id, l]) : []);

      progress.phase('accounts');
      const accounts = await writeAccountPieces(source, {
        keys,
        destination: options.destination,
        scratch,
        generation,
        reusable: new Map(incremental ? parent.accountPieces.map((r) => [r.name, r]) : []),
      });

      progress.phase('ledgers', ledgers.size);
      const data = new DataPieces(keys, options.destination, scratch);
      const entries: LedgerEntry[] = [];
      let done = 0;
      for (const ledger of ledgers.values()) {
        const before = previous.get(ledger.id);
        const from = incremental ? (before?.head ?? 0) : 0;
        const entry = await backupLedger(source, data, ledger, from, !incremental);
        entries.push({ ...entry, lastReceivedAt: entry.lastReceivedAt ?? before?.lastReceivedAt ?? null });
        progress.advance(++done, data.bytes + accounts.bytes);
      }
      const dataPieces = await data.finish();
      const manifest: Manifest = {
        format: FORMAT,
        version: FORMAT_VERSION,
        backupId: newId(),
        generation,
        parent: incremental ? parent.backupId : null,
        kind: incremental ? 'incremental' : 'full',
        takenAt: source.takenAt,
        finishedAt: new Date().toISOString(),
        serverId: source.serverId,
        source: options.storage.kind === 'postgres' ? 'postgres' : 'sqlite',
        checksumVersion: CHECKSUM_VERSION,
        dataPieces,
        accountPieces: accounts.refs,
        accountPiecesWritten: accounts.written,
        ledgers: entries,
        totals: {
          accounts: accounts.accounts,
          ops: data.ops,
          rows: data.rows,
          bytes: data.bytes + accounts.bytes,
        },
      };
      // Last: until this name exists, nothing above is a backup.
      const name = await writeManifest(options.destination, keys, manifest);
      return { manifest, name, fullBecause: incremental ? null : (fullBecause ?? 'first backup here') };
    });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

async function allLedgers(source: BackupSource): Promise<Map<string, BackupLedger>> {
  const all = new Map<string, BackupLedger>();
  for (let after: string | null = null; ; ) {
    const page = await source.ledgers(after, PAGE);
    for (const ledger of page) all.set(ledger.id, ledger);
    if (page.length < PAGE) return all;
    after = page.at(-1)?.id ?? null;
  }
}

/**
 * Why the snapshot cannot continue the parent backup, or null when it can: the same server, the
 * same checksum definition, and every ledger the parent recorded still holds, at the parent's
 * head, the very op the parent saw there (a log restored from an older backup and written on
 * since would differ). A ledger deleted since is no break: it is simply no longer backed up.
 */
async function continuityBreak(
  source: BackupSource,
  parent: Manifest | null,
  ledgers: ReadonlyMap<string, BackupLedger>,
): Promise<string | null> {
  if (!parent) return 'first backup here';
  if (parent.serverId !== source.serverId)
    return 'the last backup here is of another server (or of this one before a restore)';
  if (parent.checksumVersion !== CHECKSUM_VERSION)
    return 'the checksum definition changed since the last backup';
  for (const before of parent.ledgers) {
    const now = ledgers.get(before.id);
    if (!now) continue;
    if (now.head < before.head)
      return `ledger ${before.id}'s log went backwards (${before.head} → ${now.head})`;
    if (before.head > 0 && (await source.opIdAt(before.id, before.head)) !== before.lastOpId)
      return `ledger ${before.id}'s log changed under the last backup`;
  }
  return null;
}

async function backupLedger(
  source: BackupSource,
  data: DataPieces,
  ledger: BackupLedger,
  from: number,
  full: boolean,
): Promise<LedgerEntry> {
  let lastReceivedAt: string | null = null;
  for (let after = from; after < ledger.head; ) {
    const ops = await source.ops(ledger.id, after, ledger.head, PAGE);
    if (ops.length === 0) break;
    for (const { seq, receivedAt, op } of ops)
      await data.write(ledger.id, { t: 'op', seq, at: receivedAt, op });
    data.ops += ops.length;
    after = ops.at(-1)?.seq ?? ledger.head;
    lastReceivedAt = ops.at(-1)?.receivedAt ?? lastReceivedAt;
  }
  if (full) {
    for (let after: { seq: number; id: string } | null = null; ; ) {
      const page = await source.conflicts(ledger.id, after, ledger.head, PAGE);
      for (const c of page) await data.write(ledger.id, { t: 'conflict', ...c });
      if (page.length < PAGE) break;
      const last = page.at(-1);
      after = last ? { seq: last.seq, id: last.id } : null;
    }
    for (let after: { table: string; rowId: string } | null = null; ; ) {
      const page = await source.rows(ledger.id, after, PAGE);
      for (const r of page)
        await data.write(ledger.id, { t: 'row', table: r.table, rowId: r.rowId, packed: r.packed });
      data.rows += page.length;
      if (page.length < PAGE) break;
      const last = page.at(-1);
      after = last ? { table: last.table, rowId: last.rowId } : null;
    }
  }
  return {
    id: ledger.id,
    head: ledger.head,
    checksum: await source.checksum(ledger.id),
    from,
    lastOpId: ledger.head > 0 ? await source.opIdAt(ledger.id, ledger.head) : null,
    lastReceivedAt,
  };
}

/** The data pieces of one backup, each closed once it holds PIECE_PLAIN_BYTES. */
class DataPieces {
  private current: PieceWriter | null = null;
  private currentLedger: string | null = null;
  private readonly refs: PieceRef[] = [];
  bytes = 0;
  ops = 0;
  rows = 0;

  constructor(
    private readonly keys: BackupKeys,
    private readonly destination: Destination,
    private readonly scratch: string,
  ) {}

  async write(ledgerId: string, line: PieceLine): Promise<void> {
    if (!this.current) {
      const name = dataPieceName();
      this.current = new PieceWriter(name, join(this.scratch, name.replace(/\//g, '_')), this.keys);
      this.currentLedger = null;
    }
    // Every piece says whose lines follow, so it reads on its own.
    if (this.currentLedger !== ledgerId) {
      await this.current.write({ t: 'ledger', id: ledgerId });
      this.currentLedger = ledgerId;
    }
    await this.current.write(line);
    if (this.current.plainBytes >= PIECE_PLAIN_BYTES) await this.close();
  }

  private async close(): Promise<void> {
    if (!this.current) return;
    const ref = await this.current.store(this.destination);
    this.refs.push(ref);
    this.bytes += ref.bytes;
    this.current = null;
  }

  async finish(): Promise<PieceRef[]> {
    await this.close();
    return this.refs;
  }
}
