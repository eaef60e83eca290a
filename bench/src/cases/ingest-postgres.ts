import { randomBytes } from 'node:crypto';
import { openPostgresStorage } from '@kakeibo/server';
import type { BenchCase } from '../case.js';
import { measureStorageIngest } from '../support/ingest.js';
import { createBenchDatabase } from '../support/postgres.js';
import { ExpenseWriter } from '../support/workload.js';

export const ingestPostgres: BenchCase = {
  name: 'ingest-postgres',
  summary:
    'storage.appendOps on openPostgresStorage (fresh database on 127.0.0.1:5432, masterKey = 32 random bytes, so sensitive fields are envelope-encrypted): 100 batches of 1,000 parseOp-validated ops.',
  timeoutMs: 180_000,
  async run({ baseline, log }) {
    const database = await createBenchDatabase();
    log(`  database ${database.name}`);
    try {
      const storage = await openPostgresStorage({
        connectionString: database.url,
        masterKey: randomBytes(32),
      });
      try {
        return await measureStorageIngest(
          storage,
          new ExpenseWriter({ seed: 3 }),
          new ExpenseWriter({ seed: 30 }),
          baseline,
          20_000,
          log,
        );
      } finally {
        await storage.close();
      }
    } finally {
      await database.drop();
    }
  },
};
