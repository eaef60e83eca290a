import { gzipSync } from 'node:zlib';
import type { BenchCase } from '../case.js';
import { median, now, percentile, versusBaseline } from '../case.js';
import { BENCH_PASSWORD, BenchDevice, benchEmail, type RequestTiming } from '../support/client.js';
import { EDIT_SHARE } from '../support/ingest.js';
import { startSqliteServer } from '../support/server.js';
import { ExpenseWriter, opBatches } from '../support/workload.js';

const BATCHES = 50;
const BATCH_SIZE = 1000;

/**
 * The full server path: a signed-up device pushes 50 gzip-compressed, signed batches of 1,000 ops
 * to buildApp on a loopback port (SQLite storage). The ops are in the device's outbox before the
 * clock starts; serialising, compressing and signing each request is part of the measured time.
 */
export const ingestHttpSqlite: BenchCase = {
  name: 'ingest-http-sqlite',
  summary:
    'Full server path: buildApp on 127.0.0.1:0 (SQLite), one signed-up device pushing 50 batches of 1,000 ops over HTTP (gzip bodies, RFC 9421 signatures), measured end to end at the client.',
  timeoutMs: 150_000,
  async run({ baseline, log }) {
    const server = await startSqliteServer({ timed: ['appendOps'] });
    try {
      const device = await BenchDevice.create(server.url, 'Bench laptop');
      await device.signUp(benchEmail('ingest'), BENCH_PASSWORD);
      const writer = new ExpenseWriter({ deviceId: device.id, seed: 4 });

      // Warm-up (not timed): the first requests pay for JIT and lazy initialisation.
      for (const batch of opBatches(writer, 3, 200, EDIT_SHARE)) await device.push(batch);
      server.resetTimers();

      const batches = opBatches(writer, BATCHES, BATCH_SIZE, EDIT_SHARE);
      const sample = JSON.stringify({ ops: batches[0] });
      const timing: RequestTiming = { prepareMs: 0, roundTripMs: 0 };
      const times: number[] = [];
      const started = now();
      for (const batch of batches) {
        const t = now();
        const reply = await device.push(batch, timing);
        times.push(now() - t);
        const bad = reply.acks.filter((a) => a.status !== 'applied');
        if (bad.length > 0) throw new Error(`${bad.length} ops not applied, e.g. ${JSON.stringify(bad[0])}`);
      }
      const totalMs = now() - started;
      const total = BATCHES * BATCH_SIZE;
      const opsPerSecond = total / (totalMs / 1000);
      log(`  ${total.toLocaleString('en-US')} ops in ${(totalMs / 1000).toFixed(2)} s`);

      const route = server.routes['POST /v1/sync/push'] ?? { calls: 0, ms: 0 };
      const append = server.storageSpent.appendOps ?? { calls: 0, ms: 0 };
      const perBatch = (ms: number) => ms / BATCHES;
      return {
        metrics: [
          {
            metric: 'throughput end to end',
            value: opsPerSecond,
            unit: 'ops/s',
            ...versusBaseline(baseline, 'rowsPerSecond', opsPerSecond),
            target: { of: 'value', min: 50_000 },
          },
          { metric: 'push of 1,000: median', value: median(times), unit: 'ms' },
          { metric: 'push of 1,000: p95', value: percentile(times, 95), unit: 'ms' },
          { metric: 'client: JSON + gzip + sign, per push', value: perBatch(timing.prepareMs), unit: 'ms' },
          { metric: 'server: whole request, per push', value: perBatch(route.ms), unit: 'ms' },
          { metric: 'server: in appendOps, per push', value: perBatch(append.ms), unit: 'ms' },
          {
            metric: 'server: outside appendOps, per push',
            value: perBatch(route.ms - append.ms),
            unit: 'ms',
          },
        ],
        notes: [
          `Target: the brief's server-ingest budget (≥ 50,000 ops/s on SQLite) applied to the whole HTTP path, client work included.`,
          `A push body is ${Math.round(sample.length / 1024)} KiB of JSON, ${Math.round(gzipSync(sample).length / 1024)} KiB gzip-compressed. Server time is Fastify's reply.elapsedTime for POST /v1/sync/push (${route.calls} requests); "outside appendOps" is body reading, gunzip, JSON parsing, signature and token checks, PushRequestSchema and parseOp validation, and the reply.`,
        ],
      };
    } finally {
      await server.close();
    }
  },
};
