import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHECKSUM_VERSION, KakeiboError } from '@kakeibo/core';
import { openSqliteStorage } from '../storage/sqlite/open.js';
import type { Destination } from './destinations/types.js';
import type { Progress } from './progress.js';
import { type RestoreResult, restoreBackup } from './restore.js';

/**
 * `kakeibo backup verify`: a real restore of the backup (the latest, or `backupId`) into a scratch
 * SQLite database under a throwaway key, every ledger's checksum compared with the one recorded at
 * backup time, then the scratch database removed. It proves what a restore would do, because it
 * is one.
 */
export async function verifyBackup(options: {
  destination: Destination;
  masterKey: Buffer;
  backupId?: string | undefined;
  progress?: Progress;
}): Promise<RestoreResult> {
  const dir = await mkdtemp(join(tmpdir(), 'kakeibo-verify-'));
  try {
    const scratch = await openSqliteStorage({ file: join(dir, 'verify.db'), key: randomBytes(32) });
    try {
      const result = await restoreBackup({
        destination: options.destination,
        masterKey: options.masterKey,
        target: scratch,
        backupId: options.backupId,
        ...(options.progress && { progress: options.progress }),
      });
      // Restored, but unproven: its checksums follow another definition of core's field hash.
      if (result.checked !== result.ledgers)
        throw new KakeiboError(
          'backup.unverifiable',
          `backup ${result.backup.backupId} restored, but its checksums (version ${result.backup.checksumVersion}) cannot be compared with this version's (${CHECKSUM_VERSION})`,
        );
      return result;
    } finally {
      await scratch.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
