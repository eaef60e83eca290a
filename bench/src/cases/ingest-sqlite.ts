import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { openSqliteStorage } from '@kakeibo/server';
import type { BenchCase } from '../case.js';
import { measureStorageIngest } from '../support/ingest.js';
import { tempDir } from '../support/sqlite.js';
import { ExpenseWriter } from '../support/workload.js';

export const ingestSqlite: BenchCase = {
  name: 'ingest-sqlite',
  summary:
    'storage.appendOps on openSqliteStorage (SQLCipher file in a temp dir): 100 batches of 1,000 parseOp-validated ops.',
  timeoutMs: 150_000,
  async run({ baseline, log }) {
    const dir = tempDir('ingest');
    try {
      const storage = await openSqliteStorage({ file: join(dir.path, 'kakeibo.db'), key: randomBytes(32) });
      try {
        return await measureStorageIngest(
          storage,
          new ExpenseWriter({ seed: 2 }),
          new ExpenseWriter({ seed: 20 }),
          baseline,
          50_000,
          log,
        );
      } finally {
        await storage.close();
      }
    } finally {
      dir.remove();
    }
  },
};
