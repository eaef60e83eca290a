import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import webdavServer from 'webdav-server';

/**
 * Real backup destinations on loopback, each over a fresh temporary folder: s3rver (an S3 server
 * that checks Signature V4) and webdav-server (with Basic authentication), as npm installs them.
 * `dest` is the DEST argument of `kakeibo backup`, `env` what it needs beside it.
 */
export interface BackupServer {
  kind: 'local' | 's3' | 'webdav';
  /** The folder everything it stores lands in (for canary scans). */
  dir: string;
  dest: string;
  env: Record<string, string>;
  close(): Promise<void>;
}

export const S3_ENV = (endpoint: string) => ({
  KAKEIBO_S3_ENDPOINT: endpoint,
  AWS_ACCESS_KEY_ID: 'S3RVER',
  AWS_SECRET_ACCESS_KEY: 'S3RVER',
});

export async function startBackupServer(kind: BackupServer['kind']): Promise<BackupServer> {
  const dir = mkdtempSync(join(tmpdir(), `kakeibo-dest-${kind}-`));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  if (kind === 'local')
    return { kind, dir, dest: join(dir, 'backups'), env: {}, close: async () => cleanup() };
  if (kind === 's3') {
    const server = new S3rver({
      port: 0,
      address: '127.0.0.1',
      silent: true,
      directory: dir,
      configureBuckets: [{ name: 'kakeibo-test', configs: [] }],
    });
    const { port } = await server.run();
    return {
      kind,
      dir,
      dest: 's3://kakeibo-test/nightly',
      env: S3_ENV(`http://127.0.0.1:${port}`),
      close: async () => {
        await server.close();
        cleanup();
      },
    };
  }
  const dav = webdavServer.v2;
  const users = new dav.SimpleUserManager();
  const user = users.addUser('backup', 'secret passphrase', false);
  const privileges = new dav.SimplePathPrivilegeManager();
  privileges.setRights(user, '/', ['all']);
  const server = new dav.WebDAVServer({
    port: 0,
    hostname: '127.0.0.1',
    httpAuthentication: new dav.HTTPBasicAuthentication(users, 'kakeibo'),
    privilegeManager: privileges,
    rootFileSystem: new dav.PhysicalFileSystem(dir),
  });
  await new Promise<void>((resolve) => server.start(() => resolve()));
  const address = server.server?.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    kind,
    dir,
    dest: `webdav+http://127.0.0.1:${port}/kakeibo/`,
    env: { KAKEIBO_WEBDAV_USER: 'backup', KAKEIBO_WEBDAV_PASSWORD: 'secret passphrase' },
    close: async () => {
      await new Promise<void>((resolve) => server.stop(() => resolve()));
      cleanup();
    },
  };
}
