import { uuidv7 } from '@kakeibo/core';
import type { StorageContext } from './context.js';
import { truncateIp } from './ip-truncation.js';
import { NO_LEDGER, toAuditEvent } from './records.js';
import type { AuditEvent, AuditEventRecord } from './types.js';

/**
 * The security log: sign-ins, refresh reuse, revocations; listed newest first per ledger. It keeps
 * the client's network, not its address, and is pruned after the operator's retention period.
 */

/** Events that belong to no ledger are keyed by '' (a primary key column cannot be null). */

export async function recordAudit(ctx: StorageContext, event: AuditEvent): Promise<void> {
  await ctx.db
    .insertInto('audit_events')
    .values({
      ledger_id: event.ledgerId ?? NO_LEDGER,
      id: uuidv7(),
      at: ctx.now(),
      kind: event.kind,
      ip: truncateIp(event.ip),
      device_id: event.deviceId,
      user_id: event.userId,
      detail: JSON.stringify(event.detail),
    })
    .execute();
}

export async function listAudit(
  ctx: StorageContext,
  ledgerId: string,
  limit: number,
): Promise<AuditEventRecord[]> {
  const rows = await ctx.db
    .selectFrom('audit_events')
    .selectAll()
    .where('ledger_id', '=', ledgerId)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(toAuditEvent);
}

/** Drops every event recorded before `before` (ISO time); returns how many. */
export async function pruneAudit(ctx: StorageContext, before: string): Promise<number> {
  const result = await ctx.db.deleteFrom('audit_events').where('at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
