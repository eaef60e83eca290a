import { between, type Log, Rig, type ScenarioResult, sleep } from '../support/rig.js';
import { makeServer } from './server-kills.js';

export interface DeviceKillOptions {
  kills: number;
  writers: number;
  /** The ledger a fresh device bootstraps from (a few thousand rows). */
  seed: number;
}

/**
 * Item 2: device processes killed with SIGKILL, on a server that stays up (SQLite). Most kills hit
 * writers at a random moment (in the middle of a `create`, its journal fsync, or a sync); the others
 * hit fresh devices in the middle of their first sync (the bootstrap of the whole ledger), which are
 * then started again on the same data dir, possibly killed once more, and must finish verified.
 */
export async function deviceKills(options: DeviceKillOptions, log: Log): Promise<ScenarioResult> {
  const started = Date.now();
  const name = 'device kills (sqlite)';
  const server = await makeServer('sqlite', 'device-kills');
  await server.start();
  const rig = new Rig('device-kills', server.url, log);
  log(`[${name}] server on ${server.url}`);
  await rig.setUp(options.seed);
  await rig.startWriters(options.writers);
  const notes: string[] = [];
  const bootstrapKills = Math.max(1, Math.round(options.kills * 0.3));
  const writerKills = options.kills - bootstrapKills;
  let kills = 0;

  for (let i = 0; i < writerKills; i++) {
    const run = await rig.writerRun(rig.randomWriter());
    await sleep(between(100, 1200));
    // Every other kill is aimed at the middle of a write: its journal fsync or the SDK's transaction.
    if (i % 2 === 1) {
      await run.nextWrite();
      await sleep(between(0, 6));
    }
    await run.kill();
    kills++;
    if (kills % 10 === 0) log(`[${name}] ${kills}/${options.kills} kills (writers)`);
  }

  // How long a first sync takes here, measured once, untouched: kills land within that window.
  const calibration = rig.device('bootstrap-calibration');
  const t0 = Date.now();
  const first = calibration.run('bootstrap');
  await first.started;
  const syncStart = Date.now();
  let window = 0;
  const timer = setInterval(() => {
    if (first.synced && !window) window = Date.now() - syncStart;
  }, 5);
  const firstReport = await first.done;
  clearInterval(timer);
  window = Math.max(50, window || Date.now() - syncStart);
  log(
    `[${name}] a fresh device's first sync took ${window} ms (${firstReport.expenses} expenses, ${Date.now() - t0} ms with start-up); killing fresh devices within it`,
  );
  let bootstrapOk = firstReport.verified === true;
  let fresh = 0;
  let bootstrapKilled = 0;
  // Bounded: a kill that lands after the first sync ended does not count, so try a few more devices.
  while (bootstrapKilled < bootstrapKills && fresh < bootstrapKills * 3) {
    const device = rig.device(`bootstrap${++fresh}`);
    // Killed once or twice in the middle of its bootstrap, then left to finish on the same data dir.
    const times = bootstrapKilled + 2 <= bootstrapKills && fresh % 2 === 0 ? 2 : 1;
    for (let k = 0; k < times; k++) {
      const run = device.run('bootstrap');
      await run.started;
      await sleep(between(0, Math.round(window * 0.9)));
      if (!run.alive) continue;
      await run.kill();
      // A kill after the first sync was over did not hit a bootstrap: not counted.
      if (run.synced) continue;
      bootstrapKilled++;
      kills++;
    }
    try {
      const report = await device.run('bootstrap').done;
      if (!report.verified) {
        bootstrapOk = false;
        notes.push(`${device.name}: bootstrap after kills did not verify`);
      }
      // Verified after a repair is still correct, but says the interrupted bootstrap left a gap.
      if (report.repaired) notes.push(`${device.name}: ${report.repaired} bucket(s) repaired after kills`);
    } catch (error) {
      bootstrapOk = false;
      notes.push(`${device.name}: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (bootstrapKilled % 10 === 0 || bootstrapKilled >= bootstrapKills) {
      log(`[${name}] ${kills}/${options.kills} kills (${bootstrapKilled} in a first sync)`);
    }
  }

  await rig.stopWriters();
  await server.stop();
  await server.startRetrying();
  log(`[${name}] writers stopped, server restarted cleanly: draining and checking`);
  const result = await rig.verify(started, kills, notes);
  await server.close();
  return { ...result, scenario: name, bootstrapOk: result.bootstrapOk && bootstrapOk };
}
