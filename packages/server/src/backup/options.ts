import { z } from 'zod';

/**
 * The arguments of `kakeibo backup …`, checked here like serve's options (core ServeOptionsSchema):
 * a mistake is one plain line, never a crash half-way through a backup.
 */

const Dest = z.string().min(1, 'needs a destination (a folder, s3://bucket/prefix or webdav+https://…)');
const BackupId = z.string().regex(/^[0-9a-f]{24}$/, 'must be a backup id as `kakeibo backup list` shows it');

export const BackupRunArgsSchema = z.strictObject({ to: Dest, full: z.boolean().default(false) });
export const BackupListArgsSchema = z.strictObject({ from: Dest, json: z.boolean().default(false) });
export const BackupVerifyArgsSchema = z.strictObject({ from: Dest, backup: BackupId.optional() });
export const BackupRestoreArgsSchema = z
  .strictObject({
    from: Dest,
    /** A new data directory for the embedded SQLite database… */
    data: z.string().min(1).optional(),
    /** …or an empty PostgreSQL database. */
    databaseUrl: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// connection URL')
      .optional(),
    at: z.iso.datetime({ offset: true, error: 'must be a time such as 2026-11-30T18:00:00Z' }).optional(),
    backup: BackupId.optional(),
  })
  .refine((o) => (o.data === undefined) !== (o.databaseUrl === undefined), {
    message: 'give the target: --data NEWDIR or --database-url postgres://… (one of them)',
    path: ['data'],
  })
  .refine((o) => !(o.at && o.backup), { message: 'give --at or --backup, not both', path: ['at'] });

export type BackupRestoreArgs = z.infer<typeof BackupRestoreArgsSchema>;
