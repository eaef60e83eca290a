import { z } from 'zod';
import { KakeiboError } from '../errors.js';
import { isCurrencyCode } from '../money/currencies.js';
import { CurrencyCodeSchema } from '../schemas/primitives.js';
import { DATE_ORDERS, dateOrderOf } from './dates.js';
import { ImportFormatSchema } from './preview.js';

/** The roles a CSV column can play. */
export const CSV_ROLES = [
  'date',
  'amount',
  'debit',
  'credit',
  'marker',
  'payee',
  'memo',
  'currency',
  'externalId',
] as const;
export type CsvRole = (typeof CSV_ROLES)[number];

export const CsvColumnsSchema = z.partialRecord(z.enum(CSV_ROLES), z.number().int().nonnegative());
export type CsvColumns = z.infer<typeof CsvColumnsSchema>;

/** Overrides of what the reader would otherwise detect; every field is optional. */
export const ParseImportOptionsSchema = z.object({
  format: ImportFormatSchema.optional(),
  /** The currency of amounts the file does not state one for (QIF, most CSV): the account's. */
  currency: CurrencyCodeSchema.optional(),
  /** A text encoding label (utf-8, windows-1252, shift_jis, euc-jp) instead of detection. */
  encoding: z
    .string()
    .refine(
      (label) => {
        try {
          new TextDecoder(label);
          return true;
        } catch {
          return false;
        }
      },
      { message: 'must be a text encoding such as utf-8, windows-1252, shift_jis or euc-jp' },
    )
    .optional(),
  /** The order of day, month and year in dates (CSV and QIF). */
  dateOrder: z.enum(DATE_ORDERS).optional(),
  csv: z
    .object({
      delimiter: z.string().length(1).optional(),
      header: z.boolean().optional(),
      decimal: z.enum(['.', ',']).optional(),
      columns: CsvColumnsSchema.optional(),
    })
    .optional(),
});
export type ParseImportOptions = z.infer<typeof ParseImportOptionsSchema>;

/** "date=0,amount=3,payee=2" -> { date: 0, amount: 3, payee: 2 }: the CLI's --columns. */
export const ColumnsSpecSchema = z.string().transform((spec, ctx) => {
  const columns: Record<string, number> = {};
  for (const part of spec.split(',').filter((p) => p.trim() !== '')) {
    const m = /^\s*([A-Za-z]+)\s*=\s*(\d+)\s*$/.exec(part);
    const role = m?.[1] ?? '';
    if (!m || !(CSV_ROLES as readonly string[]).includes(role)) {
      ctx.addIssue({
        code: 'custom',
        message: `"${part}" is not ROLE=INDEX (roles: ${CSV_ROLES.join(', ')}; columns count from 0)`,
      });
      return z.NEVER;
    }
    columns[role] = Number(m[2]);
  }
  return columns as CsvColumns;
});

/** "DD.MM.YY", "MM/DD/YYYY", "ymd" -> the order of day, month and year. */
export const DateFormatSchema = z.string().transform((format, ctx) => {
  const order = dateOrderOf(format);
  if (!order) {
    ctx.addIssue({
      code: 'custom',
      message: `"${format}" is not a date format like DD.MM.YYYY, MM/DD/YY or YYYY-MM-DD`,
    });
    return z.NEVER;
  }
  return order;
});

const DELIMITER_NAMES: Record<string, string> = {
  tab: '\t',
  comma: ',',
  semicolon: ';',
  pipe: '|',
  '\\t': '\t',
};

/** The CLI's flags for `kakeibo import`, as text, checked and turned into ParseImportOptions. */
export const ImportArgsSchema = z
  .object({
    format: ImportFormatSchema.optional(),
    currency: z.string().toUpperCase().pipe(CurrencyCodeSchema).optional(),
    encoding: z.string().optional(),
    dateFormat: DateFormatSchema.optional(),
    decimal: z.enum(['.', ','], { error: 'must be "." or ","' }).optional(),
    delimiter: z
      .string()
      .transform((d) => DELIMITER_NAMES[d.toLowerCase()] ?? d)
      .pipe(z.string().length(1, { error: 'must be one character, or tab' }))
      .optional(),
    header: z.enum(['yes', 'no'], { error: 'must be yes or no' }).optional(),
    columns: ColumnsSpecSchema.optional(),
  })
  .transform(
    (args): ParseImportOptions => ({
      format: args.format,
      currency: args.currency,
      encoding: args.encoding,
      dateOrder: args.dateFormat,
      csv: {
        delimiter: args.delimiter,
        decimal: args.decimal,
        header: args.header === undefined ? undefined : args.header === 'yes',
        columns: args.columns,
      },
    }),
  )
  .pipe(ParseImportOptionsSchema);

/** The currency for amounts: the file's own, else the one given, else a clear error. */
export function currencyFor(
  stated: string | null | undefined,
  options: ParseImportOptions,
  what: string,
): string {
  const code = stated?.trim().toUpperCase();
  if (code && isCurrencyCode(code)) return code;
  if (options.currency) return options.currency;
  const said = code ? `names the unknown currency "${stated}"` : 'does not say its currency';
  throw new KakeiboError(
    'import.currency_unknown',
    `the ${what} ${said}: give the account's currency (--currency EUR, or the currency option)`,
    { stated: stated ?? null },
  );
}
