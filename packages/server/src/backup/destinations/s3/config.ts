import { z } from 'zod';

/**
 * `s3://bucket/prefix` on AWS or any S3-compatible store. The endpoint (for anything but AWS), the
 * region and the credentials come from options or the usual environment variables.
 */
export const S3ConfigSchema = z.strictObject({
  bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name'),
  /** Folder inside the bucket, '' or ending in '/'. */
  prefix: z.string(),
  /** e.g. http://127.0.0.1:9000; unset: AWS's endpoint of the region. Buckets are then addressed by path. */
  endpoint: z.url({ protocol: /^https?$/ }).optional(),
  region: z.string().min(1).default('us-east-1'),
  accessKeyId: z.string().min(1, 'needs an access key id (AWS_ACCESS_KEY_ID)'),
  secretAccessKey: z.string().min(1, 'needs a secret access key (AWS_SECRET_ACCESS_KEY)'),
  sessionToken: z.string().min(1).optional(),
});
export type S3Config = z.infer<typeof S3ConfigSchema>;

export interface S3Options {
  endpoint?: string | undefined;
  region?: string | undefined;
  accessKeyId?: string | undefined;
  secretAccessKey?: string | undefined;
  sessionToken?: string | undefined;
}

export function s3Config(target: string, options: S3Options) {
  const url = new URL(target);
  const path = decodeURIComponent(url.pathname).replace(/^\/+/, '');
  return S3ConfigSchema.safeParse({
    bucket: url.hostname,
    prefix: path === '' || path.endsWith('/') ? path : `${path}/`,
    ...(options.endpoint && { endpoint: options.endpoint }),
    ...(options.region && { region: options.region }),
    accessKeyId: options.accessKeyId ?? '',
    secretAccessKey: options.secretAccessKey ?? '',
    ...(options.sessionToken && { sessionToken: options.sessionToken }),
  });
}
