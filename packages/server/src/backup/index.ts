import type { Destination } from './destinations/types.js';
import type { Manifest } from './format.js';
import { backupKeys } from './keys.js';
import { readManifests } from './manifests.js';

export { type DestinationOptions, openDestination } from './destinations/index.js';
export type { Destination } from './destinations/types.js';
export type { Manifest } from './format.js';
export * from './options.js';
export type { Progress } from './progress.js';
export { type RestoreOptions, type RestoreResult, restoreBackup } from './restore.js';
export { type RunBackupOptions, type RunBackupResult, runBackup } from './run.js';
export { verifyBackup } from './verify.js';

/** `kakeibo backup list`: every complete backup at the destination, oldest first (each manifest opened). */
export function listBackups(destination: Destination, masterKey: Buffer): Promise<Manifest[]> {
  return readManifests(destination, backupKeys(masterKey));
}
