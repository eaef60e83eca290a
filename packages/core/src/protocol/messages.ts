import { z } from 'zod';
import { StampSchema } from '../clock/stamp.js';
import { DeviceIdSchema, OpIdSchema, RowIdSchema, StoredRowIdSchema } from '../ids.js';
import { ChecksumBucketSchema } from '../sync/checksum.js';
import { FieldValueShapeSchema, OpEnvelopeSchema, TableNameSchema } from '../sync/op.js';
import { MAX_PACKED_ROW_CHARS } from '../sync/row-codec.js';
import { LIMITS } from './limits.js';

/** A log position: the per-ledger sequence number of the last op a device has. 0 = nothing yet. */
export const CursorSchema = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

const ErrorSchema = z.strictObject({ code: z.string(), message: z.string() });

// ---- push --------------------------------------------------------------------------------------

/**
 * The batch is bounded here; each op is then checked on its own with parseOp, so one malformed op is
 * acknowledged as rejected (with its reason) instead of failing the whole batch. Only an id is needed
 * to acknowledge an op at all.
 */
export const PushRequestSchema = z.strictObject({
  ops: z
    .array(z.looseObject({ id: OpIdSchema }))
    .min(1)
    .max(LIMITS.maxPushOps),
});

export const OpAckSchema = z.discriminatedUnion('status', [
  /** Stored now, at this sequence number. */
  z.strictObject({ opId: OpIdSchema, status: z.literal('applied'), seq: z.number().int().positive() }),
  /** Already stored by an earlier push (a retry): the original sequence number. */
  z.strictObject({ opId: OpIdSchema, status: z.literal('duplicate'), seq: z.number().int().positive() }),
  /** Refused for good (bad field, drift, not yours). The device drops it from its outbox and tells the person. */
  z.strictObject({ opId: OpIdSchema, status: z.literal('rejected'), error: ErrorSchema }),
]);

export const ConflictSideSchema = z.strictObject({
  value: FieldValueShapeSchema,
  stamp: StampSchema,
  deviceId: DeviceIdSchema,
});

export const ConflictSchema = z.strictObject({
  id: z.string().max(256),
  table: TableNameSchema,
  rowId: RowIdSchema,
  field: z.string().max(64),
  winner: ConflictSideSchema,
  loser: ConflictSideSchema,
  /** Sequence number of the op whose arrival revealed the conflict. */
  seq: z.number().int().positive(),
});

export const PushResponseSchema = z.strictObject({
  acks: z.array(OpAckSchema).max(LIMITS.maxPushOps),
  conflicts: z.array(ConflictSchema),
  /** The ledger's newest sequence number after this push. */
  head: z.number().int().min(0),
});

// ---- pull --------------------------------------------------------------------------------------

export const PullRequestSchema = z.strictObject({
  after: CursorSchema,
  limit: z.coerce.number().int().min(1).max(LIMITS.maxPullOps).default(LIMITS.defaultPullOps),
});

export const LoggedOpSchema = z.strictObject({
  seq: z.number().int().positive(),
  op: OpEnvelopeSchema,
});

export const PullPageSchema = z.strictObject({
  ops: z.array(LoggedOpSchema).max(LIMITS.maxPullOps),
  /** Conflicts revealed by the ops of this page, so every device lists the same ones. */
  conflicts: z.array(ConflictSchema),
  /** Ask for the next page after this; equals `after` when the page is empty. */
  nextCursor: z.number().int().min(0),
  hasMore: z.boolean(),
  head: z.number().int().min(0),
});

// ---- snapshot (bootstrap) ----------------------------------------------------------------------

/** Opaque to clients: where the next snapshot page starts. */
export const SnapshotCursorSchema = z.string().max(128);

export const SnapshotRequestSchema = z.strictObject({
  /** Omitted on the first page: the server fixes the watermark and returns it. */
  watermark: CursorSchema.optional(),
  cursor: SnapshotCursorSchema.optional(),
  limit: z.coerce.number().int().min(1).max(LIMITS.maxSnapshotRows).default(LIMITS.defaultSnapshotRows),
});

/**
 * A row as snapshot and repair pages carry it: its fields in core's packed form (sync/row-codec.ts,
 * `[[stamps],field,value,stampIndex,…]`, or the first form for rows stored before it) as JSON text,
 * which is exactly how storage on both sides keeps a row: the server sends what it stored and a
 * device stores what it received, with no re-encoding on either side, and the text is under half the
 * size of `{field: {value, stamp}}`. The envelope is checked here; the text itself by `decodeRows`
 * (protocol/rows.ts), before any of it is stored.
 */
export const PackedRowSchema = z.strictObject({
  table: TableNameSchema,
  rowId: StoredRowIdSchema,
  packed: z.string().min(1).max(MAX_PACKED_ROW_CHARS),
});

export const SnapshotPageSchema = z.strictObject({
  /** Every row reflects the log up to this sequence number; pull from here once the snapshot is done. */
  watermark: z.number().int().min(0),
  rows: z.array(PackedRowSchema).max(LIMITS.maxSnapshotRows),
  nextCursor: SnapshotCursorSchema.nullable(),
});

// ---- checksum ----------------------------------------------------------------------------------

export const ChecksumResponseSchema = z.strictObject({
  /** The state the checksum describes: the log up to this sequence number. */
  seq: z.number().int().min(0),
  total: z.string().regex(/^[0-9a-f]{16}$/),
  buckets: z.array(ChecksumBucketSchema),
});

// ---- batch -------------------------------------------------------------------------------------

/** Several API calls in one round trip (a mobile radio wakes once, not five times). */
export const BatchRequestSchema = z.strictObject({
  calls: z
    .array(
      z.strictObject({
        method: z.enum(['GET', 'POST']),
        path: z.string().startsWith('/v1/').max(2048),
        body: z.unknown().optional(),
      }),
    )
    .min(1)
    .max(LIMITS.maxBatchCalls),
});

export const BatchResponseSchema = z.strictObject({
  results: z.array(z.strictObject({ status: z.number().int(), body: z.unknown() })),
});

// ---- errors ------------------------------------------------------------------------------------

/** RFC 9457 problem details, with our stable machine-readable `code`. */
export const ProblemSchema = z.looseObject({
  type: z.string(),
  title: z.string(),
  status: z.number().int().min(400).max(599),
  detail: z.string().optional(),
  instance: z.string().optional(),
  code: z.string(),
  errors: z.array(z.strictObject({ path: z.string(), message: z.string() })).optional(),
});

export type PushRequest = z.infer<typeof PushRequestSchema>;
export type OpAck = z.infer<typeof OpAckSchema>;
export type ConflictMessage = z.infer<typeof ConflictSchema>;
export type PushResponse = z.infer<typeof PushResponseSchema>;
export type PullRequest = z.infer<typeof PullRequestSchema>;
export type LoggedOp = z.infer<typeof LoggedOpSchema>;
export type PullPage = z.infer<typeof PullPageSchema>;
export type SnapshotRequest = z.infer<typeof SnapshotRequestSchema>;
export type PackedRowMessage = z.infer<typeof PackedRowSchema>;
export type SnapshotPage = z.infer<typeof SnapshotPageSchema>;
export type ChecksumResponse = z.infer<typeof ChecksumResponseSchema>;
export type BatchRequest = z.infer<typeof BatchRequestSchema>;
export type Problem = z.infer<typeof ProblemSchema>;

// ---- repair: the rows of one checksum bucket -----------------------------------------------------

export const BucketRowsRequestSchema = z.strictObject({
  table: TableNameSchema,
  bucket: z.coerce.number().int().min(0).max(15),
  /** The last row id of the previous page. */
  cursor: RowIdSchema.optional(),
  limit: z.coerce.number().int().min(1).max(LIMITS.maxSnapshotRows).default(LIMITS.defaultSnapshotRows),
});

export const BucketRowsPageSchema = z.strictObject({
  rows: z.array(PackedRowSchema).max(LIMITS.maxSnapshotRows),
  nextCursor: RowIdSchema.nullable(),
});

// ---- conflicts a device missed (a new device, or one that was restored) ----------------------------

export const ConflictsRequestSchema = z.strictObject({
  after: CursorSchema.default(0),
  limit: z.coerce.number().int().min(1).max(LIMITS.maxPullOps).default(LIMITS.defaultPullOps),
});

export const ConflictsPageSchema = z.strictObject({
  conflicts: z.array(ConflictSchema).max(LIMITS.maxPullOps),
  /** The seq of the last conflict returned; ask again after it while hasMore. */
  nextCursor: z.number().int().min(0),
  hasMore: z.boolean(),
});

export type BucketRowsRequest = z.infer<typeof BucketRowsRequestSchema>;
export type BucketRowsPage = z.infer<typeof BucketRowsPageSchema>;
export type ConflictsPage = z.infer<typeof ConflictsPageSchema>;
