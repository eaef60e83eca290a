import { type DeviceInfo, KakeiboError, type RevokeDevicesRequest } from '@kakeibo/core';
import type { AuthContext } from './auth-context.js';
import type { ServerDeps } from './context.js';

/** The account's active devices (its sessions), the calling one marked `current`. */
export async function listDevices(deps: ServerDeps, auth: AuthContext): Promise<DeviceInfo[]> {
  const devices = await deps.storage.listDevices(auth.ledgerId);
  return devices
    .filter((d) => !d.revokedAt)
    .map((d) => ({
      id: d.id,
      name: d.name,
      platform: d.platform,
      createdAt: d.createdAt,
      lastSeenAt: d.lastSeenAt,
      current: d.id === auth.deviceId,
    }));
}

/**
 * Revokes devices: their refresh tokens die with them and, since every request must be signed by an
 * active device, their next request fails at once on every instance that reads the same storage.
 */
export async function revokeDevices(
  deps: ServerDeps,
  auth: AuthContext,
  request: RevokeDevicesRequest,
  ip: string,
): Promise<string[]> {
  const active = (await deps.storage.listDevices(auth.ledgerId)).filter((d) => !d.revokedAt).map((d) => d.id);
  let targets: string[];
  if ('allButCurrent' in request) {
    targets = active.filter((id) => id !== auth.deviceId);
  } else {
    const unknown = request.deviceIds.filter((id) => !active.includes(id));
    if (unknown.length) {
      throw new KakeiboError(
        'device.not_found',
        `No active device with the id ${unknown.join(', ')} in this account.`,
      );
    }
    targets = request.deviceIds;
  }
  const revoked = await deps.storage.revokeDevices(
    auth.ledgerId,
    targets,
    new Date(deps.now()).toISOString(),
  );
  if (revoked.length) {
    await announceRevoked(deps, auth.ledgerId, revoked, 'auth.device_revoked');
    await deps.storage.recordAudit({
      ledgerId: auth.ledgerId,
      userId: auth.userId,
      deviceId: auth.deviceId,
      kind: 'device.revoked',
      ip,
      detail: { devices: revoked },
    });
  }
  return revoked;
}

/** Every instance closes the sockets of these devices (their requests already fail: storage says so). */
export async function announceRevoked(
  deps: Pick<ServerDeps, 'notifier'>,
  ledgerId: string,
  deviceIds: readonly string[],
  code: string,
): Promise<void> {
  if (!deviceIds.length) return;
  await deps.notifier.publish({ kind: 'revoked', ledgerId, deviceIds: [...deviceIds], code }).catch(() => {});
}
