import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The installed `kakeibo` command (the committed shim in front of the compiled CLI). */
export const KAKEIBO_BIN = fileURLToPath(new URL('../bin/kakeibo.js', import.meta.url));

export interface ServeProcess {
  url: string;
  child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far (its logs). */
  output(): string;
  /** Resident memory of the server process in bytes (Linux /proc), apart from whoever started it. */
  rss(): number;
  /** SIGTERM, and the exit code once it has shut down. */
  stop(): Promise<number | null>;
}

/**
 * Runs `kakeibo serve` as its own process and resolves once it prints "serving on URL": how tests
 * and benchmarks exercise the real server (separate memory, real signals, real restarts).
 */
export async function startServeProcess(
  args: string[],
  env: Record<string, string> = {},
): Promise<ServeProcess> {
  const child = spawn(process.execPath, [KAKEIBO_BIN, 'serve', '--port', '0', ...args], {
    env: { ...process.env, KAKEIBO_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const match = /serving on (\S+)/.exec(output);
      if (match) {
        clearInterval(timer);
        resolve(match[1] as string);
      }
    }, 20);
    child.once('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`kakeibo serve exited with ${code}: ${output}`));
    });
  });
  return {
    url,
    child,
    output: () => output,
    rss: () => {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
    },
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill('SIGTERM');
      }),
  };
}
