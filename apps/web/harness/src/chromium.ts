import { existsSync } from 'node:fs';

/**
 * Debian's Chromium (never a downloaded browser build), as every browser test and benchmark starts
 * it: the app's end-to-end harness here, the client SDK's browser test beside it.
 */
export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

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
