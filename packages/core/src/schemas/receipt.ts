import { z } from 'zod';
import {
  CalendarDateSchema,
  CurrencyCodeSchema,
  NonNegativeMinorUnitsSchema,
  RefIdSchema,
  Sha256HexSchema,
  text,
} from './primitives.js';
import { BaseRowSchema, patchOf } from './row.js';

const MEDIA_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/heic', 'application/pdf'] as const;

/** 25 MiB. */
const MAX_RECEIPT_BYTES = 26_214_400;

const pixels = z
  .int({ error: 'must be a whole number of pixels' })
  .min(1, { error: 'must be at least 1' })
  .max(20_000, { error: 'must be at most 20000' });

/**
 * A photographed or scanned receipt. The image itself is content-addressed by its SHA-256 and stored
 * apart from the row; `extracted*` hold what OCR read from it, for the user to confirm.
 */
export const ReceiptFieldsSchema = z.strictObject({
  imageHash: Sha256HexSchema,
  mediaType: z.enum(MEDIA_TYPES, { error: `must be one of: ${MEDIA_TYPES.join(', ')}` }),
  byteSize: z
    .int({ error: 'must be a whole number of bytes' })
    .min(1, { error: 'must be at least 1' })
    .max(MAX_RECEIPT_BYTES, { error: `must be at most ${MAX_RECEIPT_BYTES} bytes (25 MiB)` }),
  /** Pixel dimensions; null for a PDF. */
  width: pixels.nullable(),
  height: pixels.nullable(),
  thumbnailHash: Sha256HexSchema.nullable(),
  ocrText: text(20_000).nullable(),
  extractedMerchant: text(200).nullable(),
  extractedTotal: NonNegativeMinorUnitsSchema.nullable(),
  extractedCurrency: CurrencyCodeSchema.nullable(),
  extractedDate: CalendarDateSchema.nullable(),
  expenseId: RefIdSchema.nullable(),
});

const shape = ReceiptFieldsSchema.shape;

export const ReceiptCreateSchema = ReceiptFieldsSchema.extend({
  width: shape.width.default(null),
  height: shape.height.default(null),
  thumbnailHash: shape.thumbnailHash.default(null),
  ocrText: shape.ocrText.default(null),
  extractedMerchant: shape.extractedMerchant.default(null),
  extractedTotal: shape.extractedTotal.default(null),
  extractedCurrency: shape.extractedCurrency.default(null),
  extractedDate: shape.extractedDate.default(null),
  expenseId: shape.expenseId.default(null),
});

export const ReceiptPatchSchema = patchOf(ReceiptFieldsSchema);

export const ReceiptSchema = BaseRowSchema.extend(ReceiptFieldsSchema.shape);

export type ReceiptFields = z.infer<typeof ReceiptFieldsSchema>;
export type ReceiptCreate = z.input<typeof ReceiptCreateSchema>;
export type ReceiptPatch = z.infer<typeof ReceiptPatchSchema>;
export type Receipt = z.infer<typeof ReceiptSchema>;

/** Everything read off the receipt that says where the person shops; encrypted at rest. */
export const RECEIPT_SENSITIVE_FIELDS: readonly (keyof ReceiptFields)[] = Object.freeze([
  'ocrText',
  'extractedMerchant',
]);
