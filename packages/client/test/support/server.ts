import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ServeProcess, startServe } from '../../../cli/test/cli-process.js';
import { type Kakeibo, openKakeibo } from '../../src/index.js';
import { openNodeDriver } from '../../src/node/driver.js';
import { loadLocalKey } from '../../src/node/key-storage.js';
import { sqliteLocalStore } from '../../src/store/local-store.js';
import type { LocalStore } from '../../src/store/types.js';

/** A real `kakeibo serve` process on the embedded SQLite default, restartable on the same data. */
export class ServerProcess {
  private process: ServeProcess | null = null;
  readonly dataDir: string;
  private port = '0';

  constructor(readonly root: string) {
    this.dataDir = join(root, 'server-data');
  }

  get url(): string {
    if (!this.process) throw new Error('server not running');
    return this.process.url;
  }

  async start(): Promise<void> {
    this.process = await startServe(['--data', this.dataDir, '--port', this.port], {
      KAKEIBO_LOG_LEVEL: 'warn',
    });
    this.port = new URL(this.process.url).port;
  }

  /** SIGKILL: no graceful shutdown, like a crash or a pulled plug. */
  kill(): void {
    this.process?.child.kill('SIGKILL');
    this.process = null;
  }

  async stop(): Promise<void> {
    await this.process?.stop();
    this.process = null;
  }
}

export interface Harness {
  root: string;
  server: ServerProcess;
  device(name: string, options?: { fetch?: typeof fetch; now?: () => number }): Promise<Kakeibo>;
  /** Devices of one new account: the first signs up, the others sign in. */
  account(names: readonly string[]): Promise<Kakeibo[]>;
  cleanup(): Promise<void>;
}

const PASSWORD = 'correct horse battery staple';
let accounts = 0;

export async function harness(): Promise<Harness> {
  const root = mkdtempSync(join(tmpdir(), 'kakeibo-client-'));
  process.env.KAKEIBO_CLIENT_KEY_DIR = join(root, 'keys');
  const server = new ServerProcess(root);
  await server.start();
  const opened: Kakeibo[] = [];
  return {
    root,
    server,
    async device(name, options = {}) {
      const kb = await openKakeibo({
        serverUrl: server.url,
        dataDir: join(root, `device-${name}`),
        deviceName: name,
        ...options,
      });
      opened.push(kb);
      return kb;
    },
    async account(names) {
      const email = `account.${process.pid}.${Date.now()}.${++accounts}@example.com`;
      const devices: Kakeibo[] = [];
      for (const [i, name] of names.entries()) {
        const kb = await this.device(name);
        if (i === 0) await kb.auth.signUp({ email, password: PASSWORD });
        else await kb.auth.signIn({ email, password: PASSWORD });
        devices.push(kb);
      }
      return devices;
    },
    async cleanup() {
      for (const kb of opened) await kb.close().catch(() => {});
      await server.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** A second connection to a device's own store, behind the SDK's back (corruption, inspection). */
export async function openDeviceStore(dataDir: string): Promise<LocalStore> {
  const key = await loadLocalKey({ dataDir });
  return sqliteLocalStore(await openNodeDriver({ file: join(dataDir, 'kakeibo.db'), key }));
}
