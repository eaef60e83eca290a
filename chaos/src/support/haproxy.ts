import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir, registerCleanup } from './cleanup.js';
import type { Log } from './rig.js';

const HAPROXY = '/usr/sbin/haproxy';

/** Debian's HAProxy, installed with apt-get when it is missing (and the run says so). */
export function ensureHaproxy(log: Log): void {
  if (existsSync(HAPROXY)) return;
  log(`HAProxy is not installed (${HAPROXY}): running apt-get install -y haproxy`);
  const result = spawnSync('apt-get', ['install', '-y', 'haproxy'], { stdio: 'inherit' });
  if (result.status !== 0 || !existsSync(HAPROXY)) {
    throw new Error('apt-get install -y haproxy failed: the HAProxy scenario cannot run');
  }
}

/**
 * The generated configuration: round robin over the instances, a health check on GET /healthz every
 * 200 ms (one failure takes an instance out, one success puts it back), and a request whose
 * connection failed or was cut before any answer is retried on the other instance (redispatch). A
 * retried push is safe by design: ops are idempotent by id, which is what the check then verifies.
 */
function config(port: number, backends: readonly number[]): string {
  return `global
  maxconn 512

defaults
  mode http
  timeout connect 1s
  timeout client 60s
  timeout server 60s
  timeout http-request 10s
  retries 3
  option redispatch 1
  retry-on conn-failure empty-response response-timeout

frontend chaos
  bind 127.0.0.1:${port}
  option forwardfor
  default_backend kakeibo

backend kakeibo
  balance roundrobin
  option httpchk GET /healthz
  http-check expect status 200
  default-server check inter 200ms fall 1 rise 1
${backends.map((p, i) => `  server s${i + 1} 127.0.0.1:${p}`).join('\n')}
`;
}

/** HAProxy in the foreground on a temp config, stopped at cleanup. */
export class Haproxy {
  private child: ChildProcess | null = null;
  private output = '';
  readonly url: string;

  constructor(
    private readonly port: number,
    private readonly backends: readonly number[],
  ) {
    this.url = `http://127.0.0.1:${port}`;
  }

  async start(): Promise<void> {
    const dir = makeTempDir('haproxy').path;
    const file = join(dir, 'haproxy.cfg');
    writeFileSync(file, config(this.port, this.backends));
    const check = spawnSync(HAPROXY, ['-c', '-q', '-f', file], { encoding: 'utf8' });
    if (check.status !== 0) throw new Error(`haproxy config refused: ${check.stderr}${check.stdout}`);
    const child = spawn(HAPROXY, ['-db', '-f', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    const collect = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-10_000);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    registerCleanup(() => this.stop());
    // Up once it answers a health check through to an instance.
    const deadline = Date.now() + 15_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`haproxy exited: ${this.output}`);
      try {
        if ((await fetch(`${this.url}/healthz`)).ok) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`haproxy did not answer in 15 s: ${this.output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    });
  }
}

/** Removes every key of a run's Redis prefix (the instances' nonces, limits, tickets). */
export function dropRedisPrefix(prefix: string): void {
  const scan = spawnSync('redis-cli', ['--scan', '--pattern', `${prefix}*`], { encoding: 'utf8' });
  const keys = scan.stdout.split('\n').filter(Boolean);
  for (let i = 0; i < keys.length; i += 500) spawnSync('redis-cli', ['DEL', ...keys.slice(i, i + 500)]);
}
