/**
 * One error type for every failure the domain can name. `code` is stable and machine-readable:
 * the server maps it to an RFC 9457 problem `code`, the client surfaces it in status, the CLI prints it.
 */
export class KakeiboError extends Error {
  readonly code: string;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'KakeiboError';
    this.code = code;
    this.details = details;
  }
}

export const isKakeiboError = (error: unknown): error is KakeiboError => error instanceof KakeiboError;
