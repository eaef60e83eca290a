import { makeTempDir } from '../support/cleanup.js';
import { createDatabase, masterKey } from '../support/postgres.js';
import { between, type Log, Rig, type ScenarioResult, sleep } from '../support/rig.js';
import { freePort, ServerProcess } from '../support/server-process.js';

export interface ServerKillOptions {
  adapter: 'sqlite' | 'postgres';
  kills: number;
  writers: number;
  seed: number;
}

/** A server that must be killed and started again: SQLite on a data dir, or PostgreSQL with a key. */
export async function makeServer(adapter: 'sqlite' | 'postgres', label: string): Promise<ServerProcess> {
  const port = await freePort();
  if (adapter === 'sqlite') {
    // The data dir (and the master key file the server makes in it) stays across restarts.
    return new ServerProcess(label, port, ['--data', makeTempDir(`${label}-server`).path], {});
  }
  const db = await createDatabase();
  return new ServerProcess(label, port, [], {
    KAKEIBO_DATABASE_URL: db.url,
    KAKEIBO_MASTER_KEY: masterKey(),
  });
}

/**
 * Item 1: a real `kakeibo serve` killed with SIGKILL at a random moment 50–400 ms after it is serving,
 * and started again at once, while the writers push concurrently. Every tenth start it is left up
 * for a while longer, so that pushes get through and acknowledgements are also cut short, not only
 * connections refused.
 */
export async function serverKills(options: ServerKillOptions, log: Log): Promise<ScenarioResult> {
  const started = Date.now();
  const name = `${options.adapter}: server kills`;
  const server = await makeServer(options.adapter, options.adapter);
  await server.start();
  const rig = new Rig(options.adapter === 'sqlite' ? 'sqlite-server' : 'postgres-server', server.url, log);
  log(`[${name}] server on ${server.url}`);
  await rig.setUp(options.seed);
  await rig.startWriters(options.writers);
  const notes: string[] = [];
  let kills = 0;
  try {
    while (kills < options.kills) {
      await sleep(kills % 10 === 9 ? between(800, 1500) : between(50, 400));
      await server.kill();
      kills++;
      if (kills % 10 === 0 || kills === options.kills) log(`[${name}] ${kills}/${options.kills} kills`);
      await sleep(between(0, 150));
      await server.startRetrying();
    }
  } catch (error) {
    notes.push(`server failed to come back: ${error instanceof Error ? error.message : String(error)}`);
    notes.push(`server log tail: ${server.log().slice(-1500)}`);
  }
  await rig.stopWriters();
  // Restart everything cleanly: a graceful stop and a fresh start on the same data.
  await server.stop();
  await server.startRetrying();
  log(`[${name}] writers stopped, server restarted cleanly: draining and checking`);
  const result = await rig.verify(started, kills, notes);
  await server.close();
  return { ...result, scenario: name };
}
