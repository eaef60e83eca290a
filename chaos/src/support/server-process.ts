import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { KAKEIBO_BIN } from '@kakeibo/cli';
import { registerCleanup } from './cleanup.js';

/** A free loopback port, chosen once: a restarted server keeps it, so devices reconnect to the same URL. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}

/** How long a start may take before it counts as a failure (a 2-core machine under load is slow). */
const START_TIMEOUT_MS = 30_000;
/** Only the tail of a process's output is kept: enough to say why it died. */
const OUTPUT_TAIL = 20_000;

/**
 * One real `kakeibo serve` on a fixed port (SQLite with `--data`, or PostgreSQL through the env), that
 * can be killed with SIGKILL and started again on the same data. Unlike the CLI's own
 * startServeProcess (port 0, a new URL each time), the port stays: a device keeps its server URL.
 */
export class ServerProcess {
  readonly url: string;
  private child: ChildProcess | null = null;
  private output = '';
  /** Starts so far (the first included). */
  starts = 0;
  private readonly forget: () => Promise<void>;

  constructor(
    readonly label: string,
    readonly port: number,
    private readonly args: string[],
    private readonly env: Record<string, string>,
  ) {
    this.url = `http://127.0.0.1:${port}`;
    this.forget = registerCleanup(() => this.kill());
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the process and resolves once it printed "serving on". */
  async start(): Promise<void> {
    if (this.running) throw new Error(`${this.label} is already running`);
    this.output = '';
    const child = spawn(
      process.execPath,
      [KAKEIBO_BIN, 'serve', '--port', String(this.port), '--host', '127.0.0.1', ...this.args],
      { env: { ...process.env, KAKEIBO_LOG_LEVEL: 'warn', ...this.env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child = child;
    this.starts++;
    const collect = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-OUTPUT_TAIL);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    await new Promise<void>((resolve, reject) => {
      const started = Date.now();
      const timer = setInterval(() => {
        if (/serving on \S+/.test(this.output)) {
          clearInterval(timer);
          child.removeListener('exit', onExit);
          resolve();
        } else if (Date.now() - started > START_TIMEOUT_MS) {
          clearInterval(timer);
          child.kill('SIGKILL');
          reject(new Error(`${this.label} did not start within ${START_TIMEOUT_MS} ms: ${this.output}`));
        }
      }, 10);
      const onExit = (code: number | null, signal: string | null) => {
        clearInterval(timer);
        reject(new Error(`${this.label} exited (${signal ?? code}) while starting: ${this.output}`));
      };
      child.once('exit', onExit);
    });
  }

  /** Starts, retrying a few times: a port just freed by a killed process can be briefly busy. */
  async startRetrying(attempts = 5): Promise<void> {
    for (let i = 1; ; i++) {
      try {
        return await this.start();
      } catch (error) {
        if (i >= attempts) throw error;
        await new Promise((r) => setTimeout(r, 200 * i));
      }
    }
  }

  /** SIGKILL: no shutdown hook runs, exactly like a crash or an OOM kill. Resolves once it is gone. */
  kill(): Promise<void> {
    return this.signal('SIGKILL');
  }

  /** SIGTERM: the server's own graceful shutdown. */
  stop(): Promise<void> {
    return this.signal('SIGTERM');
  }

  /** Stops for good and forgets the cleanup. */
  async close(): Promise<void> {
    await this.stop();
    await this.forget();
  }

  /** The tail of what the current (or last) process wrote. */
  log(): string {
    return this.output;
  }

  private signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.kill(signal);
      // A server that ignores SIGTERM for 10 s is killed all the same.
      if (signal !== 'SIGKILL') setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
    });
  }
}
