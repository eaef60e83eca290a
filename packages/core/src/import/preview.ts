import { z } from 'zod';
import { CalendarDateSchema, CurrencyCodeSchema, MinorUnitsSchema } from '../schemas/primitives.js';

/*
 * The normalised preview of a bank file: one shape for every format, and a contract (the CLI prints
 * it as JSON, other tools read it), so its field names stay as they are. Amounts are signed integer
 * minor units of their currency, dates are calendar dates YYYY-MM-DD as the bank wrote them.
 */

export const IMPORT_FORMATS = ['csv', 'qif', 'ofx', 'camt'] as const;
export const ImportFormatSchema = z.enum(IMPORT_FORMATS);
export type ImportFormat = z.infer<typeof ImportFormatSchema>;

/** Something the reader skipped or guessed, with the line (1-based) it is about when there is one. */
export const ImportWarningSchema = z.object({
  line: z.number().int().positive().nullable(),
  code: z.string(),
  message: z.string(),
});
export type ImportWarning = z.infer<typeof ImportWarningSchema>;

/** One part of a split transaction (QIF S/E/$ lines): the parts sum to the transaction's amount. */
export const ImportSplitSchema = z.object({
  amount: MinorUnitsSchema,
  category: z.string().nullable(),
  memo: z.string().nullable(),
});

export const ImportTransactionSchema = z.object({
  date: CalendarDateSchema,
  amount: MinorUnitsSchema,
  currency: CurrencyCodeSchema,
  payee: z.string().nullable(),
  memo: z.string().nullable(),
  /** The bank's own id (OFX FITID, CAMT entry reference) when the file has one, unique in the file. */
  externalId: z.string().nullable(),
  /** Index into `statements` (a file may hold several accounts or statements). */
  statement: z.number().int().nonnegative(),
  /** Where the row starts in the file (1-based), for messages and the preview. */
  line: z.number().int().positive().nullable(),
  /** The category the file names (QIF L), if any. */
  category: z.string().nullable().optional(),
  /** A check or reference number (OFX CHECKNUM, QIF N). */
  reference: z.string().nullable().optional(),
  splits: z.array(ImportSplitSchema).optional(),
});
export type ImportTransaction = z.infer<typeof ImportTransactionSchema>;

export const STATEMENT_KINDS = ['bank', 'creditcard', 'investment', 'cash', 'other'] as const;

export const ImportStatementSchema = z.object({
  /** The account as the file identifies it (OFX ACCTID, IBAN, QIF account name), or null. */
  account: z.string().nullable(),
  kind: z.enum(STATEMENT_KINDS),
  currency: CurrencyCodeSchema,
  /** The period the statement says it covers, when it says. */
  from: CalendarDateSchema.nullable(),
  to: CalendarDateSchema.nullable(),
});
export type ImportStatement = z.infer<typeof ImportStatementSchema>;

/** opening/closing: booked balances (CAMT OPBD/PRCD, CLBD; OFX LEDGERBAL); available: CLAV, AVAILBAL. */
export const BALANCE_KINDS = ['opening', 'closing', 'available'] as const;

export const ImportBalanceSchema = z.object({
  statement: z.number().int().nonnegative(),
  kind: z.enum(BALANCE_KINDS),
  date: CalendarDateSchema.nullable(),
  amount: MinorUnitsSchema,
  currency: CurrencyCodeSchema,
});
export type ImportBalance = z.infer<typeof ImportBalanceSchema>;

/** How a CSV file was read: every guess, so a person can see it and override any of it. */
export const CsvMappingSchema = z.object({
  delimiter: z.string().length(1),
  header: z.boolean(),
  decimal: z.enum(['.', ',']),
  dateOrder: z.enum(['ymd', 'dmy', 'mdy']),
  columns: z.record(z.string(), z.number().int().nonnegative()),
  /** Column titles as the file has them (or "column N" without a header row). */
  titles: z.array(z.string()),
  confidence: z.enum(['high', 'medium', 'low']),
  reasons: z.array(z.string()),
});
export type CsvMapping = z.infer<typeof CsvMappingSchema>;

export const ImportPreviewSchema = z.object({
  format: ImportFormatSchema,
  /** The format's version or dialect as read, e.g. "OFX 1.02 (SGML)", "camt.053.001.08". */
  variant: z.string(),
  /** The text encoding the bytes were decoded with. */
  encoding: z.string(),
  statements: z.array(ImportStatementSchema),
  transactions: z.array(ImportTransactionSchema),
  balances: z.array(ImportBalanceSchema),
  warnings: z.array(ImportWarningSchema),
  /** CSV only: the column mapping used. */
  mapping: CsvMappingSchema.optional(),
});
export type ImportPreview = z.infer<typeof ImportPreviewSchema>;
