import { parseArgs } from 'node:util';
import { details, failed, table } from './report.js';
import { deviceKills } from './scenarios/device-kills.js';
import { haproxyKills } from './scenarios/haproxy.js';
import { serverKills } from './scenarios/server-kills.js';
import { emptyCheck } from './support/check.js';
import { cleanupAll } from './support/cleanup.js';
import type { ScenarioResult } from './support/rig.js';

/**
 * `npm run chaos`: the fault suite. Real `kakeibo serve` processes and real device processes (the
 * public SDK) are killed with SIGKILL while they work; at the end a brand-new device's view of the
 * ledger is checked against the journals every device kept of what it sent. Loopback only, bounded,
 * and it cleans up after itself (processes, temp dirs, databases, Redis keys), on Ctrl-C too.
 */
const USAGE = `npm run chaos -- [options]
  --server-kills N   server kills over SQLite and PostgreSQL, 60/40 (default 200)
  --device-kills N   device kills: writers and fresh devices mid-bootstrap, 70/30 (default 100)
  --proxy-kills N    instance kills behind HAProxy (default 10)
  --writers N        concurrent writer devices per scenario (default 4)
  --only LIST        some of: sqlite,postgres,devices,haproxy (comma-separated)
  --quick            a tiny run (a few kills of each kind)`;

const { values } = parseArgs({
  options: {
    'server-kills': { type: 'string' },
    'device-kills': { type: 'string' },
    'proxy-kills': { type: 'string' },
    writers: { type: 'string' },
    only: { type: 'string' },
    quick: { type: 'boolean' },
    help: { type: 'boolean' },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const quick = values.quick === true;
const count = (flag: string | undefined, normal: number, tiny: number) => {
  const n = flag === undefined ? (quick ? tiny : normal) : Number(flag);
  if (!Number.isInteger(n) || n < 0) throw new Error(`not a count: ${flag}\n${USAGE}`);
  return n;
};
const serverKillCount = count(values['server-kills'], 200, 6);
const deviceKillCount = count(values['device-kills'], 100, 6);
const proxyKillCount = count(values['proxy-kills'], 10, 2);
const writers = count(values.writers, 4, 4);
const only = new Set((values.only ?? 'sqlite,postgres,devices,haproxy').split(','));
const sqliteKills = Math.round(serverKillCount * 0.6);
const seed = quick ? 300 : 1000;

const log = (line: string) => console.log(`${new Date().toISOString().slice(11, 19)} ${line}`);

let interrupted = false;
process.on('SIGINT', () => {
  if (interrupted) return;
  interrupted = true;
  log('interrupted: cleaning up');
  void cleanupAll().then(() => process.exit(130));
});

/** Bounded whatever happens: a run stuck this long is stopped, cleaned up and failed. */
const WATCHDOG_MS = 60 * 60 * 1000;
setTimeout(() => {
  log(`the run took over ${WATCHDOG_MS / 60_000} minutes: stopping`);
  void cleanupAll().then(() => process.exit(1));
}, WATCHDOG_MS).unref();

/** A scenario that could not even finish is a failed row, with why. */
function broken(scenario: string, started: number, error: unknown): ScenarioResult {
  return {
    scenario,
    kills: 0,
    check: emptyCheck(),
    checksumOk: false,
    bootstrapOk: false,
    seconds: (Date.now() - started) / 1000,
    notes: [`scenario failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`],
  };
}

const scenarios: Array<[key: string, name: string, run: () => Promise<ScenarioResult>]> = [
  [
    'sqlite',
    'sqlite: server kills',
    () => serverKills({ adapter: 'sqlite', kills: sqliteKills, writers, seed }, log),
  ],
  [
    'postgres',
    'postgres: server kills',
    () => serverKills({ adapter: 'postgres', kills: serverKillCount - sqliteKills, writers, seed }, log),
  ],
  [
    'devices',
    'device kills (sqlite)',
    // A few thousand rows for the fresh devices to bootstrap from.
    () => deviceKills({ kills: deviceKillCount, writers, seed: quick ? 1000 : 3000 }, log),
  ],
  [
    'haproxy',
    'haproxy: 2 instances (pg+redis)',
    () => haproxyKills({ kills: proxyKillCount, writers, seed }, log),
  ],
];

async function main(): Promise<number> {
  const results: ScenarioResult[] = [];
  for (const [key, name, run] of scenarios) {
    if (!only.has(key) || interrupted) continue;
    const started = Date.now();
    log(`== ${name}`);
    let result: ScenarioResult;
    try {
      result = await run();
    } catch (error) {
      result = broken(name, started, error);
    }
    results.push(result);
    log(`== ${name}: ${failed(result) ? 'FAILED' : 'ok'} in ${result.seconds.toFixed(0)} s`);
  }
  await cleanupAll();
  console.log(`\n${table(results)}\n\n${details(results)}`);
  const bad = results.filter(failed);
  console.log(bad.length ? `\nFAILED: ${bad.map((r) => r.scenario).join(', ')}` : '\nall scenarios passed');
  return bad.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  async (error: unknown) => {
    console.error(error);
    await cleanupAll();
    process.exit(1);
  },
);
