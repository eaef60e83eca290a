import { randomBytes } from 'node:crypto';
import { z } from 'zod';

/**
 * The backup format, version 1. A destination holds two folders:
 *
 *   manifests/<taken-at>-<backup id>.kbm   one per backup, written last: a backup exists only once
 *                                          its manifest does, and a piece no manifest lists does not
 *   pieces/<piece id>.kbp                  compressed (gzip), encrypted (sealed-stream.ts) lines of JSON
 *
 * A backup belongs to a generation: a full backup starts one, and each incremental names its parent
 * and holds only the ops appended since it (per ledger, by seq) plus the account pieces whose
 * content changed. Data pieces have random ids; account pieces are named by a keyed hash of their
 * content and generation, so an unchanged group of accounts is referenced again, not stored again.
 */

export const FORMAT = 'kakeibo-backup';
export const FORMAT_VERSION = 1;

export const newId = () => randomBytes(12).toString('hex');
export const dataPieceName = () => `pieces/d-${newId()}.kbp`;
export const accountPieceName = (contentId: string) => `pieces/a-${contentId}.kbp`;
export const manifestName = (takenAt: string, backupId: string) =>
  `manifests/${takenAt.replace(/[-:.]/g, '')}-${backupId}.kbm`;

const Hex = (length: number) => z.string().regex(new RegExp(`^[0-9a-f]{${length}}$`));
const Time = z.iso.datetime();

export const PieceRefSchema = z.strictObject({
  name: z.string().regex(/^pieces\/[ad]-[0-9a-f]+\.kbp$/),
  bytes: z.number().int().nonnegative(),
  sha256: Hex(64),
});
export type PieceRef = z.infer<typeof PieceRefSchema>;

/** A ledger as one backup recorded it. */
export const LedgerEntrySchema = z.strictObject({
  id: z.string().min(1),
  /** The log's head at the snapshot, and its checksum there (core combineBuckets). */
  head: z.number().int().nonnegative(),
  checksum: Hex(16),
  /** This backup's data pieces hold the ops with from < seq <= head (0 for a full one). */
  from: z.number().int().nonnegative(),
  /** The op at `head`: a later backup checks it is still there (the log did not change under it). */
  lastOpId: z.string().nullable(),
  /** When the server received the op at `head` (null for an empty log). */
  lastReceivedAt: Time.nullable(),
});
export type LedgerEntry = z.infer<typeof LedgerEntrySchema>;

export const ManifestSchema = z.strictObject({
  format: z.literal(FORMAT),
  version: z.literal(FORMAT_VERSION),
  backupId: Hex(24),
  generation: Hex(24),
  /** The backup this one continues (same generation), null for a full one. */
  parent: Hex(24).nullable(),
  kind: z.enum(['full', 'incremental']),
  /** The storage's clock when the snapshot was taken: the moment the backup shows. */
  takenAt: Time,
  finishedAt: Time,
  serverId: z.string().min(1),
  source: z.enum(['sqlite', 'postgres']),
  checksumVersion: z.number().int(),
  /** The data pieces this backup wrote, in the order a restore reads them. */
  dataPieces: z.array(PieceRefSchema),
  /** Every account piece describing the accounts at this backup: written by it or by an ancestor. */
  accountPieces: z.array(PieceRefSchema),
  /** Which account pieces this backup wrote itself (names within accountPieces). */
  accountPiecesWritten: z.array(z.string()),
  ledgers: z.array(LedgerEntrySchema),
  totals: z.strictObject({
    accounts: z.number().int().nonnegative(),
    ops: z.number().int().nonnegative(),
    rows: z.number().int().nonnegative(),
    /** Bytes of the pieces this backup wrote (the manifest aside). */
    bytes: z.number().int().nonnegative(),
  }),
});
export type Manifest = z.infer<typeof ManifestSchema>;

/** The manifest as stored: a clear envelope (to tell a wrong key from damage) around the sealed body. */
export const ManifestEnvelopeSchema = z.strictObject({
  format: z.literal(FORMAT),
  version: z.literal(FORMAT_VERSION),
  backupId: Hex(24),
  keyId: Hex(16),
  salt: z.base64(),
  sealed: z.base64(),
});

/**
 * The lines of a piece. Data pieces: `ledger` starts a ledger's section, then its `op`s, and in a
 * full backup its `conflict`s and current `row`s. Account pieces: one `account` line per ledger,
 * and `audit` lines for security events that belong to no ledger.
 */
export type PieceLine =
  | { t: 'ledger'; id: string }
  | { t: 'op'; seq: number; at: string; op: unknown }
  | { t: 'conflict'; id: string; seq: number; table: string; rowId: string; field: string; body: string }
  | { t: 'row'; table: string; rowId: string; packed: string }
  | { t: 'account'; account: unknown }
  | { t: 'audit'; event: unknown };
