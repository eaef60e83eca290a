import { spawnSync } from 'node:child_process';
import { KAKEIBO_BIN, type ServeProcess, startServeProcess } from '../src/serve-process.js';

export type { ServeProcess };
export const BIN = KAKEIBO_BIN;

/** Runs `kakeibo serve` as a real process and waits for its "serving on URL" line. */
export const startServe = startServeProcess;

/** Runs a one-shot CLI command and returns its exit code and output. */
export function runCli(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
