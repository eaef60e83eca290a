import { KakeiboError } from '@kakeibo/core';
import type { z } from 'zod';

/**
 * RFC 9457 problem details. Every error the server answers with is one of these, with a stable `code`
 * that clients switch on; the HTTP status is derived from the code so one failure always looks the same.
 */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: Array<{ path: string; message: string }>;
  [extra: string]: unknown;
}

const STATUS_BY_PREFIX: Array<[prefix: string, status: number]> = [
  ['request.too_large', 413],
  ['request.unsupported_media_type', 415],
  ['request.', 400],
  ['validation.', 400],
  ['op.', 400],
  ['money.', 400],
  ['clock.', 400],
  ['auth.email_taken', 409],
  ['auth.weak_password', 400],
  ['auth.throttled', 429],
  ['auth.account_disabled', 403],
  ['auth.', 401],
  ['signature.', 401],
  ['device.not_found', 404],
  ['device.id_taken', 409],
  ['device.', 400],
  ['sync.reset_required', 410],
  ['sync.', 400],
  ['protocol.', 400],
  ['not_found', 404],
  ['route.not_found', 404],
  ['route.method_not_allowed', 405],
  ['rate_limited', 429],
  ['crypto.', 500],
  ['storage.', 500],
];

export function statusForCode(code: string): number {
  for (const [prefix, status] of STATUS_BY_PREFIX)
    if (code === prefix || code.startsWith(prefix)) return status;
  return 500;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  410: 'Gone',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function problem(code: string, detail: string, extra: Record<string, unknown> = {}): Problem {
  const status = statusForCode(code);
  return {
    type: `https://kakeibo.app/problems/${code.replaceAll('.', '/')}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    code,
    ...extra,
  };
}

/** Details of a KakeiboError that are safe to show a caller (never stack traces or internals). */
const PUBLIC_DETAIL_KEYS = [
  'opId',
  'field',
  'aheadMs',
  'maxDriftMs',
  'retryAfterSeconds',
  'issues',
  'limit',
  'head',
  'supported',
];

export function problemFromError(error: KakeiboError): Problem {
  const extra: Record<string, unknown> = {};
  for (const key of PUBLIC_DETAIL_KEYS) {
    if (error.details?.[key] !== undefined) extra[key === 'issues' ? 'errors' : key] = error.details[key];
  }
  return problem(error.code, error.message, extra);
}

/** A zod failure at an HTTP boundary, as one problem listing every issue with its path. */
export function validationError(where: 'body' | 'query' | 'params', error: z.ZodError): KakeiboError {
  const errors = error.issues.slice(0, 50).map((issue) => ({
    path: [where, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
  const first = errors[0];
  return new KakeiboError(
    'validation.failed',
    first ? `Invalid request ${first.path}: ${first.message}` : `Invalid request ${where}.`,
    { issues: errors },
  );
}
