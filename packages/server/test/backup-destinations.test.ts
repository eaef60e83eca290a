import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Destination, openDestination } from '../src/backup/index.js';
import { type BackupServer, startBackupServer } from './support/index.js';

/**
 * One suite every destination adapter passes, each against a real server on loopback: what is put
 * is got back byte for byte and listed with its size, missing names are null, uploads are atomic
 * (no temporary name is ever listed), and deleting is idempotent.
 */
const scratch = mkdtempSync(join(tmpdir(), 'kakeibo-dest-suite-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const fileOf = (bytes: Buffer) => {
  const file = join(scratch, randomBytes(6).toString('hex'));
  writeFileSync(file, bytes);
  return { file, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
};
const read = async (body: Readable | null) => {
  if (!body) return null;
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

for (const kind of ['local', 's3', 'webdav'] as const) {
  describe(`backup destination: ${kind}`, () => {
    let server: BackupServer;
    let destination: Destination;
    beforeAll(async () => {
      server = await startBackupServer(kind);
      destination = openDestination(server.dest, {
        s3: {
          endpoint: server.env.KAKEIBO_S3_ENDPOINT,
          accessKeyId: server.env.AWS_ACCESS_KEY_ID,
          secretAccessKey: server.env.AWS_SECRET_ACCESS_KEY,
        },
        webdav: { username: server.env.KAKEIBO_WEBDAV_USER, password: server.env.KAKEIBO_WEBDAV_PASSWORD },
      });
    });
    afterAll(() => server?.close());

    it('lists nothing and gets null before anything is stored', async () => {
      expect(await destination.list('manifests/')).toEqual([]);
      expect(await destination.get('pieces/nothing.kbp')).toBeNull();
    });

    it('stores, lists, gets back byte for byte (5 MiB streamed), and deletes', async () => {
      const big = fileOf(randomBytes(5 * 1024 * 1024));
      const small = fileOf(Buffer.from('{"hello":"world"}\n'));
      await destination.put('pieces/b.kbp', big.file, big.bytes, big.sha256);
      await destination.put('pieces/a.kbp', small.file, small.bytes, small.sha256);
      await destination.put('manifests/m1.kbm', small.file, small.bytes, small.sha256);
      expect(await destination.list('pieces/')).toEqual([
        { name: 'pieces/a.kbp', bytes: small.bytes },
        { name: 'pieces/b.kbp', bytes: big.bytes },
      ]);
      expect(await destination.list('manifests/')).toEqual([
        { name: 'manifests/m1.kbm', bytes: small.bytes },
      ]);
      const got = await read(await destination.get('pieces/b.kbp'));
      expect(got && createHash('sha256').update(got).digest('hex')).toBe(big.sha256);

      // Put again under the same name: the new content replaces the old whole.
      const other = fileOf(Buffer.from('replaced'));
      await destination.put('pieces/a.kbp', other.file, other.bytes, other.sha256);
      expect((await read(await destination.get('pieces/a.kbp')))?.toString()).toBe('replaced');

      await destination.delete('pieces/a.kbp');
      await destination.delete('pieces/a.kbp');
      expect(await destination.get('pieces/a.kbp')).toBeNull();
      expect((await destination.list('pieces/')).map((e) => e.name)).toEqual(['pieces/b.kbp']);
    });

    it('never lists a name whose upload has not completed', async () => {
      const one = fileOf(randomBytes(1024));
      await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          destination.put(`manifests/p${i}.kbm`, one.file, one.bytes, one.sha256),
        ),
      );
      const listed = await destination.list('manifests/');
      for (const entry of listed) expect(entry.name).toMatch(/^manifests\/(m1|p\d)\.kbm$/);
      expect(listed).toHaveLength(9);
    });
  });
}
