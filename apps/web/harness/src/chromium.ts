import { existsSync } from 'node:fs';

/**
 * Debian's Chromium (never a downloaded browser build), as every browser test and benchmark starts
 * it: the app's end-to-end harness here, the client SDK's browser test beside it.
 */
export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

/** True on a CI runner: `CI=true` (or `1`), as CI services and `.ci/run` set it. */
export const isCi = (env: NodeJS.ProcessEnv = process.env): boolean => env.CI === 'true' || env.CI === '1';

/**
 * Whether a browser suite can run here. Where the browser is missing, a developer's run skips the
 * suite with a warning; a CI run fails instead (by throwing as the suite loads), so a run that never
 * started the browser can never pass as green.
 */
export function browserSuiteRuns(
  suite: string,
  options: { path?: string; ci?: boolean; warn?: (message: string) => void } = {},
): boolean {
  const path = options.path ?? CHROMIUM;
  if (existsSync(path)) return true;
  const missing = `${suite}: ${path} is missing (Debian's chromium package; .ci/run installs it).`;
  if (options.ci ?? isCi()) throw new Error(`${missing} In CI a browser suite must run, never be skipped.`);
  (options.warn ?? console.warn)(`${missing} Its tests are skipped.`);
  return false;
}

/**
 * Headless on a machine whose network is closed: no sandbox (tests run as root), no GPU, and none of
 * the background connections (component updates, sync, QUIC probes) that it would try and be
 * refused many times over, slowing every start.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
