import { parseArgs } from 'node:util';
import { type ServeOptionsInput, ServeOptionsSchema } from '@kakeibo/core';
import { CliError } from './errors.js';

/** Flags shared by every command that opens the server's storage. */
export const STORAGE_FLAGS = {
  data: { type: 'string' },
  'key-file': { type: 'string' },
} as const;

export const SERVE_FLAGS = {
  ...STORAGE_FLAGS,
  port: { type: 'string' },
  host: { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  'tls-self-signed': { type: 'boolean' },
  'trust-proxy': { type: 'string' },
  'log-level': { type: 'string' },
  'web-dir': { type: 'string' },
  'audit-retention-days': { type: 'string' },
} as const;

type Env = Record<string, string | undefined>;

/** Flags first, then KAKEIBO_* environment variables, then the defaults of ServeOptionsSchema. */
export function serveOptions(
  values: Record<string, string | boolean | undefined>,
  env: Env,
): ServeOptionsInput {
  const pick = (flag: string, variable: string) =>
    (values[flag] as string | undefined) ?? env[variable] ?? undefined;
  const trustProxy = pick('trust-proxy', 'KAKEIBO_TRUST_PROXY');
  const input = {
    port: pick('port', 'KAKEIBO_PORT') ?? env.PORT,
    host: pick('host', 'KAKEIBO_HOST'),
    dataDir: pick('data', 'KAKEIBO_DATA_DIR'),
    databaseUrl: env.KAKEIBO_DATABASE_URL || undefined,
    redisUrl: env.KAKEIBO_REDIS_URL || undefined,
    redisPrefix: env.KAKEIBO_REDIS_PREFIX || undefined,
    masterKey: env.KAKEIBO_MASTER_KEY || undefined,
    keyFile: pick('key-file', 'KAKEIBO_KEY_FILE'),
    tlsCert: pick('tls-cert', 'KAKEIBO_TLS_CERT'),
    tlsKey: pick('tls-key', 'KAKEIBO_TLS_KEY'),
    tlsSelfSigned: values['tls-self-signed'] === true || env.KAKEIBO_TLS_SELF_SIGNED === 'true',
    trustProxy: trustProxy === undefined ? undefined : trustProxy === 'true' ? true : trustProxy,
    logLevel: pick('log-level', 'KAKEIBO_LOG_LEVEL'),
    webDir: pick('web-dir', 'KAKEIBO_WEB_DIR'),
    auditRetentionDays: pick('audit-retention-days', 'KAKEIBO_AUDIT_RETENTION_DAYS'),
  };
  const cleaned = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
  const parsed = ServeOptionsSchema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CliError(`invalid option ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  return cleaned as ServeOptionsInput;
}

type FlagSpec = Record<string, { type: 'string' | 'boolean' }>;

export function parse(
  argv: string[],
  options: FlagSpec,
): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    return { values: values as Record<string, string | boolean | undefined>, positionals };
  } catch (error) {
    throw new CliError((error as Error).message.split('\n')[0] ?? 'invalid arguments');
  }
}
