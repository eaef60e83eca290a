import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ServeOptionsSchema } from '@kakeibo/core';
import {
  BackupListArgsSchema,
  BackupRestoreArgsSchema,
  BackupRunArgsSchema,
  BackupVerifyArgsSchema,
  configuredMasterKey,
  type DestinationOptions,
  listBackups,
  type Manifest,
  openConfiguredStorage,
  openDestination,
  restoreBackup,
  runBackup,
  verifyBackup,
} from '@kakeibo/server';
import type { z } from 'zod';
import { parse, STORAGE_FLAGS, serveOptions } from '../args.js';
import { CliError } from '../errors.js';
import { endProgress, progressLine } from '../progress-line.js';

const USAGE =
  'usage: kakeibo backup run --to DEST [--full] | list --from DEST [--json] | verify --from DEST [--backup ID] | restore --from DEST (--data NEWDIR | --database-url URL) [--at TIME | --backup ID]';

const FLAGS = {
  ...STORAGE_FLAGS,
  to: { type: 'string' },
  from: { type: 'string' },
  full: { type: 'boolean' },
  json: { type: 'boolean' },
  backup: { type: 'string' },
  at: { type: 'string' },
  'database-url': { type: 'string' },
  's3-endpoint': { type: 'string' },
  's3-region': { type: 'string' },
} as const;

type Values = Record<string, string | boolean | undefined>;
type Env = NodeJS.ProcessEnv;

/** `kakeibo backup run|list|verify|restore`: server backups (packages/server/src/backup). */
export async function backup(argv: string[], env: Env): Promise<void> {
  const { values, positionals } = parse(argv, FLAGS);
  const [action, ...extra] = positionals;
  if (extra.length) throw new CliError(USAGE, 2);
  if (action === 'run') return run(values, env);
  if (action === 'list') return list(values, env);
  if (action === 'verify') return verify(values, env);
  if (action === 'restore') return restore(values, env);
  throw new CliError(USAGE, 2);
}

function checked<S extends z.ZodType>(schema: S, input: Record<string, unknown>): z.infer<S> {
  const defined = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
  const parsed = schema.safeParse(defined);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CliError(`invalid option --${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`, 2);
  }
  return parsed.data;
}

/** Endpoint, region and credentials of S3 and WebDAV: flags first, then the usual variables. */
function destinationOptions(values: Values, env: Env): DestinationOptions {
  return {
    s3: {
      endpoint:
        (values['s3-endpoint'] as string | undefined) ?? env.KAKEIBO_S3_ENDPOINT ?? env.AWS_ENDPOINT_URL,
      region: (values['s3-region'] as string | undefined) ?? env.KAKEIBO_S3_REGION ?? env.AWS_REGION,
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      sessionToken: env.AWS_SESSION_TOKEN,
    },
    webdav: { username: env.KAKEIBO_WEBDAV_USER, password: env.KAKEIBO_WEBDAV_PASSWORD },
  };
}

/** The master key as serve takes it; backups never generate one. */
async function masterKey(values: Values, env: Env): Promise<Buffer> {
  return configuredMasterKey(ServeOptionsSchema.parse(serveOptions(values, env)), () => undefined, {
    existing: true,
  });
}

async function run(values: Values, env: Env): Promise<void> {
  const args = checked(BackupRunArgsSchema, { to: values.to, full: values.full });
  const destination = openDestination(args.to, destinationOptions(values, env));
  const { storage, masterKey } = await openConfiguredStorage(serveOptions(values, env), () => undefined, {
    existing: true,
  });
  try {
    const result = await runBackup({
      storage,
      masterKey,
      destination,
      full: args.full,
      progress: progressLine(),
    });
    endProgress();
    const m = result.manifest;
    console.log(
      `backup ${m.backupId}: ${m.kind}${result.fullBecause ? ` (${result.fullBecause})` : ''}, ${m.ledgers.length} ledgers, ${m.totals.ops} ops, ${m.totals.bytes} bytes, taken ${m.takenAt} → ${destination.location}`,
    );
  } finally {
    await storage.close();
  }
}

const summary = (m: Manifest) => ({
  backupId: m.backupId,
  kind: m.kind,
  generation: m.generation,
  parent: m.parent,
  takenAt: m.takenAt,
  finishedAt: m.finishedAt,
  source: m.source,
  ledgers: m.ledgers.length,
  accounts: m.totals.accounts,
  ops: m.totals.ops,
  rows: m.totals.rows,
  bytes: m.totals.bytes,
});

async function list(values: Values, env: Env): Promise<void> {
  const args = checked(BackupListArgsSchema, { from: values.from, json: values.json });
  const destination = openDestination(args.from, destinationOptions(values, env));
  const backups = (await listBackups(destination, await masterKey(values, env))).map(summary);
  if (args.json) {
    console.log(JSON.stringify(backups, null, 2));
    return;
  }
  if (backups.length === 0) console.error(`no backups at ${destination.location}`);
  for (const b of backups)
    console.log(
      `${b.takenAt}  ${b.backupId}  ${b.kind.padEnd(11)}  generation ${b.generation}  ${b.ledgers} ledgers  ${b.ops} ops  ${b.bytes} bytes`,
    );
}

async function verify(values: Values, env: Env): Promise<void> {
  const args = checked(BackupVerifyArgsSchema, { from: values.from, backup: values.backup });
  const destination = openDestination(args.from, destinationOptions(values, env));
  const result = await verifyBackup({
    destination,
    masterKey: await masterKey(values, env),
    backupId: args.backup,
    progress: progressLine(),
  });
  endProgress();
  console.log(
    `backup ${result.backup.backupId} verified: restored ${result.accounts} accounts and ${result.ledgers} ledgers (${result.ops} ops) into a scratch database; every ledger's checksum matches the one recorded at backup time`,
  );
}

async function restore(values: Values, env: Env): Promise<void> {
  const args = checked(BackupRestoreArgsSchema, {
    from: values.from,
    data: values.data,
    databaseUrl: values['database-url'],
    at: values.at,
    backup: values.backup,
  });
  const destination = openDestination(args.from, destinationOptions(values, env));
  const key = await masterKey(values, env);
  if (args.data && existsSync(join(resolve(args.data), 'kakeibo.db')))
    throw new CliError(
      `${resolve(args.data)} already holds a Kakeibo database: restore into a new data directory`,
    );
  // The target, opened as serve would open it with this key (and never the source's storage).
  const target = serveOptions(
    { ...values, data: args.data ?? (values.data as string | undefined) },
    {
      ...env,
      KAKEIBO_DATABASE_URL: args.databaseUrl,
      KAKEIBO_MASTER_KEY: key.toString('base64'),
    },
  );
  const { storage, dataDir } = await openConfiguredStorage(target, () => undefined);
  let ok = false;
  try {
    const result = await restoreBackup({
      destination,
      masterKey: key,
      target: storage,
      at: args.at,
      backupId: args.backup,
      progress: progressLine(),
    });
    endProgress();
    ok = true;
    const where = args.databaseUrl ? 'the PostgreSQL database' : resolve(dataDir);
    console.log(
      `restored backup ${result.backup.backupId}${result.at ? ` as of ${result.at}` : ` (taken ${result.backup.takenAt})`} into ${where}: ${result.accounts} accounts, ${result.ledgers} ledgers, ${result.ops} ops; ${result.checked} ledger checksums match their backup. Serve it with the same master key.`,
    );
  } finally {
    await storage.close();
    // A restore that failed leaves nothing that could be served by mistake: the SQLite file it made
    // (the directory held none, checked above) goes; PostgreSQL keeps its "restore incomplete"
    // mark, which serve refuses.
    if (!ok && !args.databaseUrl)
      for (const suffix of ['', '-wal', '-shm'])
        rmSync(join(dataDir, `kakeibo.db${suffix}`), { force: true });
  }
}
