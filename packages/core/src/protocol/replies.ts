import type { z } from 'zod';
import { KakeiboError } from '../errors.js';

/**
 * A server's answer as it arrived, checked against its schema before anything of it is used, so a
 * broken or hostile server (or a proxy's error page that happens to be JSON) gives a clear error
 * instead of a TypeError deep in the sync engine, and never half-applied data. `sync.invalid_response`
 * for the sync routes, `network.bad_response` for the others (auth, devices, realtime tickets).
 */
export function parseReply<S extends z.ZodType>(
  schema: S,
  body: unknown,
  what: string,
  code: 'sync.invalid_response' | 'network.bad_response' = 'sync.invalid_response',
): z.output<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const at = issue?.path.length ? `${issue.path.join('.')}: ` : '';
  throw new KakeiboError(
    code,
    `The server sent an invalid ${what} (${at}${issue?.message ?? 'not the expected shape'}); nothing of it was used.`,
    { issues: result.error.issues.slice(0, 10).map((i) => ({ path: i.path.join('.'), message: i.message })) },
  );
}
