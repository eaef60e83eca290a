import { randomBytes } from 'node:crypto';
import { registerCleanup } from '../support/cleanup.js';
import { dropRedisPrefix, ensureHaproxy, Haproxy } from '../support/haproxy.js';
import { createDatabase, masterKey } from '../support/postgres.js';
import { between, type Log, Rig, type ScenarioResult, sleep } from '../support/rig.js';
import { freePort, ServerProcess } from '../support/server-process.js';

export interface HaproxyOptions {
  kills: number;
  writers: number;
  seed: number;
}

/**
 * Item 4: two instances on one PostgreSQL database and one Redis, behind HAProxy. One instance at a
 * time is killed with SIGKILL under load and started again a moment later, several times; the
 * devices, which only know HAProxy's URL, carry on through the other instance.
 */
export async function haproxyKills(options: HaproxyOptions, log: Log): Promise<ScenarioResult> {
  const started = Date.now();
  const name = 'haproxy: 2 instances (pg+redis)';
  ensureHaproxy(log);
  const db = await createDatabase();
  const prefix = `kakeibo-chaos-${randomBytes(4).toString('hex')}:`;
  registerCleanup(() => dropRedisPrefix(prefix));
  const env = {
    KAKEIBO_DATABASE_URL: db.url,
    KAKEIBO_MASTER_KEY: masterKey(),
    KAKEIBO_REDIS_URL: process.env.KAKEIBO_CHAOS_REDIS ?? 'redis://127.0.0.1:6379',
    KAKEIBO_REDIS_PREFIX: prefix,
    KAKEIBO_TRUST_PROXY: 'true',
  };
  const instances = [
    new ServerProcess('instance1', await freePort(), [], env),
    new ServerProcess('instance2', await freePort(), [], env),
  ];
  // The first start migrates the database: one after the other.
  for (const instance of instances) await instance.start();
  const proxy = new Haproxy(
    await freePort(),
    instances.map((i) => i.port),
  );
  await proxy.start();
  log(`[${name}] HAProxy on ${proxy.url} -> ${instances.map((i) => i.url).join(', ')}`);
  const rig = new Rig('haproxy', proxy.url, log);
  await rig.setUp(options.seed);
  await rig.startWriters(options.writers);
  const notes: string[] = [];
  let kills = 0;
  try {
    while (kills < options.kills) {
      await sleep(between(500, 1500));
      const victim = instances[kills % 2] as ServerProcess;
      await victim.kill();
      kills++;
      const before = rig.acknowledgedSoFar();
      await sleep(between(1000, 2500));
      // The devices only know HAProxy: acknowledgements while one instance is down came through the other.
      const during = rig.acknowledgedSoFar() - before;
      log(
        `[${name}] ${kills}/${options.kills} kills: ${during} expenses acknowledged while ${victim.label} was down`,
      );
      if (during === 0)
        notes.push(`no acknowledgement at all while ${victim.label} was down (kill ${kills})`);
      await victim.startRetrying();
    }
  } catch (error) {
    notes.push(`instance failed to come back: ${error instanceof Error ? error.message : String(error)}`);
  }
  await rig.stopWriters();
  for (const instance of instances) {
    await instance.stop();
    await instance.startRetrying();
  }
  await sleep(500); // both back in HAProxy's rotation (checks every 200 ms)
  log(`[${name}] writers stopped, instances restarted cleanly: draining and checking`);
  const result = await rig.verify(started, kills, notes);
  await proxy.stop();
  for (const instance of instances) await instance.close();
  await db.drop();
  return { ...result, scenario: name };
}
