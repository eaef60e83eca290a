import type { Op } from '@kakeibo/core';
import { appendBatch } from './append-batch.js';
import type { StorageContext } from './context.js';
import type { AppendOutcome } from './types.js';

/**
 * A push's accepted ops, appended in one transaction (append-batch.ts), each marked as received
 * now by the server's clock: the time a restore `--at` a moment places it by.
 */
export function appendOps(ctx: StorageContext, ledgerId: string, ops: readonly Op[]): Promise<AppendOutcome> {
  return appendBatch(ctx, ledgerId, ops, ctx.now());
}
