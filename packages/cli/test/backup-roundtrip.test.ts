import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startBackupServer } from '../../server/test/support/index.js';
import {
  anyFileContains,
  backupCli,
  bootstrap,
  newStorage,
  Phone,
  pastMoment,
  removeTempDirs,
  type StorageUnderTest,
  serveOn,
  tempDir,
} from './backup-support.js';

/**
 * The whole round trip, on both storage adapters and all three destinations, with real processes:
 * `kakeibo serve` filled over HTTP, `kakeibo backup run` twice while it serves (full, then
 * incremental), `kakeibo backup restore` into a fresh place, `kakeibo serve` on what was restored,
 * and a fresh device's bootstrap compared with what a fresh device got from the original server
 * just before the second backup; the same `--at` a moment between the two backups, and inside the
 * first one's log; no canary payee
 * in any stored backup byte.
 */
afterAll(removeTempDirs);

const COMBINATIONS = [
  ['sqlite', 'local'],
  ['sqlite', 's3'],
  ['sqlite', 'webdav'],
  ['postgres', 'local'],
  ['postgres', 's3'],
  ['postgres', 'webdav'],
] as const;

/** Restores into `target`, serves it with the source's key, and bootstraps a fresh device. */
async function restoreAndBootstrap(
  dest: { dest: string; env: Record<string, string> },
  source: StorageUnderTest,
  target: StorageUnderTest,
  email: string,
  extra: string[] = [],
) {
  const key = source.kind === 'sqlite' ? ['--key-file', source.args[3] as string] : [];
  const into =
    target.kind === 'sqlite'
      ? ['--data', target.args[1] as string]
      : ['--database-url', target.env.KAKEIBO_DATABASE_URL as string];
  const restored = await backupCli(['restore', '--from', dest.dest, ...into, ...key, ...extra], {
    ...dest.env,
    ...(source.kind === 'postgres' && { KAKEIBO_MASTER_KEY: source.env.KAKEIBO_MASTER_KEY as string }),
  });
  expect(restored.status, restored.stderr).toBe(0);
  // The restored server runs with the master key of the server that was backed up.
  const serving = await serveOn({
    ...target,
    args: target.kind === 'sqlite' ? [...target.args.slice(0, 2), ...key] : key,
    env: {
      ...(target.kind === 'postgres' && { KAKEIBO_DATABASE_URL: target.env.KAKEIBO_DATABASE_URL as string }),
      ...(source.kind === 'postgres' && { KAKEIBO_MASTER_KEY: source.env.KAKEIBO_MASTER_KEY as string }),
    },
  });
  try {
    return { restored, got: await bootstrap(serving.url, email) };
  } finally {
    await serving.stop();
  }
}

describe('kakeibo backup: round trip', () => {
  for (const [adapter, destKind] of COMBINATIONS) {
    it(`${adapter} storage, ${destKind} destination`, async () => {
      const dest = await startBackupServer(destKind);
      const source = await newStorage(
        adapter,
        adapter === 'sqlite' ? join(tempDir('keys'), 'master.key') : undefined,
      );
      const targets: StorageUnderTest[] = [];
      try {
        const server = await serveOn(source);
        let phone: Phone;
        let atMoment: string;
        let earlyMoment: string;
        let expectedEarly: Awaited<ReturnType<typeof bootstrap>>;
        let expectedAt: Awaited<ReturnType<typeof bootstrap>>;
        let expected: Awaited<ReturnType<typeof bootstrap>>;
        try {
          phone = await Phone.signUp(server);
          await phone.add(100);
          expectedEarly = await bootstrap(server.url, phone.email);
          const t0 = Date.now();
          earlyMoment = new Date(t0).toISOString();
          await pastMoment(t0);
          await phone.add(50);
          const first = await backupCli(['run', '--to', dest.dest, ...source.args], {
            ...source.env,
            ...dest.env,
          });
          expect(first.status, first.stderr).toBe(0);
          expect(first.stdout).toMatch(/: full \(first backup here\)/);

          await phone.edit(0, 5, 2);
          await phone.add(10);
          expectedAt = await bootstrap(server.url, phone.email);
          const t = Date.now();
          atMoment = new Date(t).toISOString();
          await pastMoment(t);
          await phone.edit(20, 5, 3);
          await phone.add(10);
          expected = await bootstrap(server.url, phone.email);
          expect(expected.rows).not.toEqual(expectedAt.rows);

          const second = await backupCli(['run', '--to', dest.dest, ...source.args], {
            ...source.env,
            ...dest.env,
          });
          expect(second.status, second.stderr).toBe(0);
          expect(second.stdout).toMatch(/: incremental, 1 ledgers, 35 ops/);
        } finally {
          await server.stop();
        }

        // Restored into a fresh place of the same kind (and a SQLite server into PostgreSQL too):
        // a fresh device bootstraps exactly the rows of the second backup, with the same checksum.
        const kinds =
          adapter === 'sqlite' && destKind === 'local'
            ? (['sqlite', 'postgres'] as const)
            : (['sqlite'] as const);
        for (const kind of kinds) {
          const target = await newStorage(kind);
          targets.push(target);
          const { got } = await restoreAndBootstrap(dest, source, target, phone.email);
          expect(got.rows, `restored into ${kind}`).toEqual(expected.rows);
          expect(got.serverChecksum).toBe(expected.serverChecksum);
          expect(got.rowsChecksum).toBe(expected.serverChecksum);
          expect(got.head).toBe(expected.head);
        }

        // As of a moment between the two backups: the state a fresh device saw then.
        const target = await newStorage(adapter === 'postgres' ? 'postgres' : 'sqlite');
        targets.push(target);
        const { restored, got } = await restoreAndBootstrap(dest, source, target, phone.email, [
          '--at',
          atMoment,
        ]);
        expect(restored.stdout).toContain(`as of ${atMoment}`);
        expect(got.rows).toEqual(expectedAt.rows);
        expect(got.serverChecksum).toBe(expectedAt.serverChecksum);
        expect(got.rowsChecksum).toBe(expectedAt.serverChecksum);

        // As of a moment inside the first (full) backup's log: its ops replayed up to that moment.
        if (destKind === 'local') {
          const early = await newStorage(adapter);
          targets.push(early);
          const { got } = await restoreAndBootstrap(dest, source, early, phone.email, ['--at', earlyMoment]);
          expect(got.rows).toEqual(expectedEarly.rows);
          expect(got.serverChecksum).toBe(expectedEarly.serverChecksum);
        }

        expect(anyFileContains(dest.dir, phone.payee)).toBeUndefined();
        expect(anyFileContains(dest.dir, phone.email)).toBeUndefined();
      } finally {
        await dest.close();
        await source.drop();
        for (const t of targets) await t.drop();
      }
    }, 180_000);
  }
});
