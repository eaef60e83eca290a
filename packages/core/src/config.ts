import { z } from 'zod';

/** The security log's default retention: long enough to look into an incident, no longer. */
export const AUDIT_RETENTION_DAYS = 90;

/**
 * How a server is started, from CLI flags and environment variables (the CLI merges both, flags win).
 * Validated here like every other boundary so a typo is one clear message, not a crash at runtime.
 */
export const ServeOptionsSchema = z
  .strictObject({
    port: z.coerce.number().int().min(0).max(65535).default(8080),
    host: z.string().min(1).max(255).default('127.0.0.1'),
    /** Where the embedded database (and, unless moved, the master key file) lives. */
    dataDir: z.string().min(1).default('./data'),
    /** postgres://… to run on PostgreSQL instead of the embedded SQLite. */
    databaseUrl: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// connection URL')
      .optional(),
    /** Base64 of 32 random bytes; otherwise a key file is used (and generated on first start). */
    masterKey: z.string().optional(),
    keyFile: z.string().min(1).optional(),
    tlsCert: z.string().min(1).optional(),
    tlsKey: z.string().min(1).optional(),
    /** Generate a self-signed certificate for local testing (never for production). */
    tlsSelfSigned: z.boolean().default(false),
    trustProxy: z.union([z.boolean(), z.string()]).default(false),
    /** redis://… shared by several instances (notices, nonces, rate limits, tickets). */
    redisUrl: z
      .string()
      .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
      .optional(),
    /** Prefix of every Redis key and channel, so several deployments can share one Redis. */
    redisPrefix: z.string().min(1).max(64).default('kakeibo:'),
    /** The built web app to serve at `/`; unset: the API alone (the CLI fills in the bundled app). */
    webDir: z.string().min(1).optional(),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** How long the security log (sign-ins, revocations) is kept, in days; older events are deleted. */
    auditRetentionDays: z.coerce
      .number()
      .int({ error: 'must be a whole number of days' })
      .min(1, { error: 'must be at least 1 day' })
      .max(3650, { error: 'must be at most 3650 days' })
      .default(AUDIT_RETENTION_DAYS),
  })
  .refine((o) => Boolean(o.tlsCert) === Boolean(o.tlsKey), {
    message: 'give both a TLS certificate and its key, or neither',
    path: ['tlsCert'],
  })
  .refine((o) => !(o.tlsSelfSigned && o.tlsCert), {
    message: 'choose either a certificate or a self-signed one, not both',
    path: ['tlsSelfSigned'],
  });

export type ServeOptions = z.infer<typeof ServeOptionsSchema>;
export type ServeOptionsInput = z.input<typeof ServeOptionsSchema>;
