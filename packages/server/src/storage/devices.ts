import { chunked } from './bulk.js';
import { type StorageContext, sealerFor } from './context.js';
import { sealDeviceText } from './device-text.js';
import { toDevice } from './records.js';
import type { DeviceRecord, NewDevice } from './types.js';

/**
 * Devices of a ledger: registered with their public key, touched on use, revoked one by one. The
 * name and platform a person gave are stored sealed (device-text.ts).
 */

export async function upsertDevice(ctx: StorageContext, device: NewDevice): Promise<DeviceRecord> {
  const now = ctx.now();
  const sealer = await sealerFor(ctx, device.ledgerId);
  const row = await ctx.db
    .insertInto('devices')
    .values({
      ledger_id: device.ledgerId,
      id: device.id,
      user_id: device.userId,
      ...sealDeviceText(sealer, device),
      public_key_jwk: device.publicKeyJwk,
      alg: device.alg,
      created_at: now,
      last_seen_at: now,
      revoked_at: null,
      sessions_ended_at: null,
    })
    // A device id the ledger used before comes back to life with its new key; createdAt stays.
    .onConflict((oc) =>
      oc.columns(['ledger_id', 'id']).doUpdateSet((eb) => ({
        user_id: eb.ref('excluded.user_id'),
        name: eb.ref('excluded.name'),
        platform: eb.ref('excluded.platform'),
        public_key_jwk: eb.ref('excluded.public_key_jwk'),
        alg: eb.ref('excluded.alg'),
        last_seen_at: eb.ref('excluded.last_seen_at'),
        revoked_at: null,
      })),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
  return toDevice(sealer, row);
}

export async function findDevice(
  ctx: StorageContext,
  ledgerId: string,
  deviceId: string,
): Promise<DeviceRecord | null> {
  const row = await ctx.db
    .selectFrom('devices')
    .selectAll()
    .where('ledger_id', '=', ledgerId)
    .where('id', '=', deviceId)
    .executeTakeFirst();
  return row ? toDevice(await sealerFor(ctx, ledgerId), row) : null;
}

export async function listDevices(ctx: StorageContext, ledgerId: string): Promise<DeviceRecord[]> {
  const rows = await ctx.db
    .selectFrom('devices')
    .selectAll()
    .where('ledger_id', '=', ledgerId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  if (rows.length === 0) return [];
  const sealer = await sealerFor(ctx, ledgerId);
  return rows.map((row) => toDevice(sealer, row));
}

export async function touchDevice(
  ctx: StorageContext,
  ledgerId: string,
  deviceId: string,
  at: string,
): Promise<void> {
  await ctx.db
    .updateTable('devices')
    .set({ last_seen_at: at })
    .where('ledger_id', '=', ledgerId)
    .where('id', '=', deviceId)
    // Requests finish out of order; "last seen" never moves backwards.
    .where('last_seen_at', '<', at)
    .execute();
}

export async function revokeDevices(
  ctx: StorageContext,
  ledgerId: string,
  deviceIds: readonly string[],
  at: string,
): Promise<string[]> {
  if (deviceIds.length === 0) return [];
  return ctx.db.transaction().execute(async (trx) => {
    const revoked: string[] = [];
    for (const ids of chunked([...new Set(deviceIds)], 1)) {
      const rows = await trx
        .updateTable('devices')
        .set({ revoked_at: at })
        .where('ledger_id', '=', ledgerId)
        .where('id', 'in', ids)
        .where('revoked_at', 'is', null)
        .returning('id')
        .execute();
      revoked.push(...rows.map((r) => r.id));
      // Every live token of these devices, including any left behind by an earlier revocation.
      await trx
        .updateTable('refresh_tokens')
        .set({ revoked_at: at })
        .where('ledger_id', '=', ledgerId)
        .where('device_id', 'in', ids)
        .where('revoked_at', 'is', null)
        .execute();
    }
    return revoked.sort();
  });
}
