import { join } from 'node:path';
import { parseOp, parseSnapshotPage, type SnapshotPage } from '@kakeibo/core';
import type { BenchCase } from '../case.js';
import { collectGarbage, MiB, now, RssSampler, versusBaseline } from '../case.js';
import { BENCH_PASSWORD, BenchDevice, benchEmail, type RequestTiming } from '../support/client.js';
import { startSqliteServer } from '../support/server.js';
import { createLocalSchema, openCipherDatabase, SnapshotApplier, tempDir } from '../support/sqlite.js';
import { ExpenseWriter } from '../support/workload.js';

const EXPENSES = 100_000;
const FILL_BATCH = 1000;
const PAGE = 1000;

/**
 * A second device bootstrapping from a ledger of 100,000 expenses: it pages the snapshot over HTTP
 * and applies each page into an encrypted local SQLite table, one transaction per page. Timed from
 * opening the local store to the last page applied (the sign-in before it is reported separately).
 */
export const bootstrapHttpSqlite: BenchCase = {
  name: 'bootstrap-http-sqlite',
  summary:
    "A minimal raw-HTTP device bootstraps a 100,000-expense ledger: GET /v1/sync/snapshot?limit=1000 until nextCursor is null, each page applied into a local SQLCipher table in one transaction, server in the same thread. A reference for the server side of a bootstrap; the real SDK, and the brief's 1.5 s budget, are client-bootstrap's.",
  timeoutMs: 180_000,
  async run({ baseline, log }) {
    const server = await startSqliteServer({ timed: ['readSnapshot'] });
    const local = tempDir('client');
    try {
      const phone = await BenchDevice.create(server.url, 'Bench phone');
      const email = benchEmail('bootstrap');
      const session = await phone.signUp(email, BENCH_PASSWORD);

      // The ledger, written straight through storage (fast), as the first device's ops.
      const writer = new ExpenseWriter({ deviceId: phone.id, seed: 5 });
      const fillStarted = now();
      for (let written = 0; written < EXPENSES; written += FILL_BATCH) {
        const batch = writer.batch(FILL_BATCH, 0);
        // The fill skips the push route; checking one batch keeps the generated ops honest.
        if (written === 0) for (const op of batch) parseOp(op);
        await server.storage.appendOps(session.ledgerId, batch);
      }
      log(
        `  filled ${EXPENSES.toLocaleString('en-US')} expenses in ${((now() - fillStarted) / 1000).toFixed(1)} s`,
      );

      const laptop = await BenchDevice.create(server.url, 'Bench laptop');
      const signInStarted = now();
      await laptop.signIn(email, BENCH_PASSWORD);
      const signInMs = now() - signInStarted;

      collectGarbage();
      const rss = new RssSampler();
      const timing: RequestTiming = { prepareMs: 0, roundTripMs: 0 };
      let applyMs = 0;
      let pages = 0;
      let rows = 0;
      let bytes = 0;
      const encodings = new Set<string>();
      const started = now();
      const db = openCipherDatabase(join(local.path, 'client.db'));
      try {
        createLocalSchema(db);
        const applier = new SnapshotApplier(db);
        let cursor: string | null = null;
        let watermark: number | null = null;
        do {
          const query: string =
            cursor === null
              ? `limit=${PAGE}`
              : `limit=${PAGE}&watermark=${watermark}&cursor=${encodeURIComponent(cursor)}`;
          const reply = await laptop.request<SnapshotPage>('GET', `/v1/sync/snapshot?${query}`, undefined, {
            timing,
          });
          if (reply.status !== 200)
            throw new Error(`snapshot answered ${reply.status}: ${JSON.stringify(reply.body)}`);
          encodings.add(reply.headers.get('content-encoding') ?? 'identity');
          bytes += reply.bytes;
          const applyStarted = now();
          // Checked and decoded as the SDK does (parseSnapshotPage), then written by the raw applier.
          applier.applyPage(parseSnapshotPage(reply.body).rows);
          applyMs += now() - applyStarted;
          rss.sample();
          pages += 1;
          rows += reply.body.rows.length;
          watermark = reply.body.watermark;
          cursor = reply.body.nextCursor;
        } while (cursor !== null);
        const finishStarted = now();
        applier.finish();
        applyMs += now() - finishStarted;
        const totalMs = now() - started;
        const memory = rss.stop();
        const stored = (db.prepare('SELECT count(*) AS n FROM expenses').get() as { n: number }).n;
        if (rows !== EXPENSES || stored !== EXPENSES) {
          throw new Error(`expected ${EXPENSES} rows, received ${rows} and stored ${stored}`);
        }
        log(
          `  bootstrapped ${rows.toLocaleString('en-US')} rows in ${pages} pages, ${(totalMs / 1000).toFixed(2)} s`,
        );

        const seconds = totalMs / 1000;
        const rowsPerSecond = rows / seconds;
        const route = server.routes['GET /v1/sync/snapshot'] ?? { calls: 0, ms: 0 };
        const read = server.storageSpent.readSnapshot ?? { calls: 0, ms: 0 };
        return {
          metrics: [
            {
              metric: 'bootstrap end to end',
              value: seconds,
              unit: 's',
              // No target: the brief's bootstrap budget is the SDK's, measured by client-bootstrap.
              ...versusBaseline(baseline, 'seconds', seconds),
            },
            {
              metric: 'rows applied',
              value: rowsPerSecond,
              unit: 'rows/s',
              ...versusBaseline(baseline, 'rowsPerSecond', rowsPerSecond),
            },
            {
              metric: 'peak RSS delta (server + client, one process)',
              value: memory.peakDeltaBytes / MiB,
              unit: 'MiB',
            },
            { metric: 'server: whole request, all pages', value: route.ms / 1000, unit: 's' },
            { metric: 'server: in readSnapshot, all pages', value: read.ms / 1000, unit: 's' },
            {
              metric: 'client: apply pages to SQLite (+ final checkpoint)',
              value: applyMs / 1000,
              unit: 's',
            },
            { metric: 'client: sign requests', value: timing.prepareMs / 1000, unit: 's' },
            { metric: 'sign-in before bootstrap (not counted)', value: signInMs, unit: 'ms' },
          ],
          notes: [
            'Applier: bench/src/support/sqlite.ts (SnapshotApplier), auto-checkpoints paused during the bootstrap, one checkpoint at the end (timed). Each page is first checked and decoded exactly as the SDK does (core parseSnapshotPage: zod envelope, every packed row against the entity schemas), inside the apply time.',
            `${pages} pages, ${(bytes / MiB).toFixed(1)} MiB of JSON after decoding, rows in the packed form (response Content-Encoding: ${[...encodings].join(' or ')}; this raw device's fetch asks for gzip, deflate, unlike the SDK, which asks a loopback server for identity; bodies under 1 KiB are sent uncompressed).`,
            'Ratio of "bootstrap end to end" = its time ÷ the baseline time to insert the same number of rows; RSS is sampled every 5 ms and after every page, in the one process that runs both server and client.',
          ],
        };
      } finally {
        db.close();
      }
    } finally {
      await server.close();
      local.remove();
    }
  },
};
