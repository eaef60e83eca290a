import type { Sealer } from './ledger-keys.js';

/**
 * A device's name and platform are what a person typed or their browser told: sealed with the
 * ledger's key (PostgreSQL), each bound to its column, ledger and device, so a dump does not list
 * them and a value moved to another row does not open.
 */

const place = (column: 'name' | 'platform', ledgerId: string, deviceId: string) =>
  `devices.${column}:${ledgerId}:${deviceId}`;

export function sealDeviceText(
  sealer: Sealer,
  device: { ledgerId: string; id: string; name: string; platform: string },
): { name: string; platform: string } {
  return {
    name: sealer.seal(place('name', device.ledgerId, device.id), device.name),
    platform: sealer.seal(place('platform', device.ledgerId, device.id), device.platform),
  };
}

export function openDeviceText(
  sealer: Sealer,
  row: { ledger_id: string; id: string; name: string; platform: string },
): { name: string; platform: string } {
  return {
    name: sealer.open(place('name', row.ledger_id, row.id), row.name),
    platform: sealer.open(place('platform', row.ledger_id, row.id), row.platform),
  };
}
