import type { BenchCase, Metric } from '../case.js';
import { median, now, percentile } from '../case.js';
import { BENCH_PASSWORD, BenchDevice, benchEmail } from '../support/client.js';
import { type BenchServer, startPostgresServer, startSqliteServer } from '../support/server.js';

const ATTEMPTS = 50;
const WARMUP = 3;

/**
 * Account enumeration by timing: a sign-in with an unknown email must cost what one with a known
 * email and a wrong password costs, on both storage adapters. Attempts alternate (and swap which
 * goes first each round) so a drifting machine affects both sides alike; the two samples are
 * compared with a Mann-Whitney U test, whose z-score says how unlikely the difference is by chance
 * (|z| < 2: indistinguishable at this sample size).
 */
export const enumerationTiming: BenchCase = {
  name: 'enumeration-timing',
  summary: `Sign-in timing, unknown email vs known email with a wrong password: ${ATTEMPTS} attempts each over HTTP, on SQLite and on PostgreSQL (login throttling raised to 1,000 failures per account and per address): medians, p90 and the Mann-Whitney z-score.`,
  timeoutMs: 240_000,
  async run({ log }) {
    const metrics: Metric[] = [];
    const notes: string[] = [];
    for (const [adapter, start] of [
      ['SQLite', startSqliteServer],
      ['PostgreSQL', startPostgresServer],
    ] as const) {
      const server = await start({ loginLimits: { failuresPerAccount: 1000, failuresPerIp: 1000 } });
      try {
        const { unknown, wrong } = await sample(server);
        const z = mannWhitneyZ(unknown, wrong);
        log(
          `  ${adapter}: unknown median ${median(unknown).toFixed(1)} ms, wrong password ${median(wrong).toFixed(1)} ms, z = ${z.toFixed(2)}`,
        );
        metrics.push(
          {
            metric: `${adapter}: unknown email, median (baseline: wrong password)`,
            value: median(unknown),
            unit: 'ms',
            baseline: { value: median(wrong), unit: 'ms' },
            ratio: median(unknown) / median(wrong),
            target: { of: 'ratio', min: 0.8, max: 1.25 },
          },
          {
            metric: `${adapter}: unknown email, p90 (baseline: wrong password)`,
            value: percentile(unknown, 90),
            unit: 'ms',
            baseline: { value: percentile(wrong, 90), unit: 'ms' },
            ratio: percentile(unknown, 90) / percentile(wrong, 90),
          },
          {
            metric: `${adapter}: Mann-Whitney z (unknown vs wrong password)`,
            value: z,
            unit: '',
            target: { of: 'value', min: -2, max: 2 },
          },
        );
        notes.push(
          `${adapter}, unknown email (ms): ${unknown.map((t) => t.toFixed(0)).join(', ')}.`,
          `${adapter}, known email, wrong password (ms): ${wrong.map((t) => t.toFixed(0)).join(', ')}.`,
        );
      } finally {
        await server.close();
      }
    }
    notes.push(
      `Client-side times of the whole signed request (${WARMUP} warm-up attempts of each kind first); every attempt answered 401 auth.invalid_credentials.`,
    );
    return { metrics, notes };
  },
};

async function sample(server: BenchServer): Promise<{ unknown: number[]; wrong: number[] }> {
  const owner = await BenchDevice.create(server.url, 'Owner phone');
  const known = benchEmail('known');
  await owner.signUp(known, BENCH_PASSWORD);
  const guesser = await BenchDevice.create(server.url, 'Guesser');
  const attempt = async (email: string): Promise<number> => {
    const started = now();
    const status = await guesser.signInAttempt(email, 'wrong password, surely');
    const ms = now() - started;
    if (status !== 401) throw new Error(`a failed sign-in answered ${status}, expected 401`);
    return ms;
  };
  let unknownCount = 0;
  const unknownEmail = () => `nobody.${process.pid}.${Date.now()}.${++unknownCount}@example.com`;
  for (let i = 0; i < WARMUP; i++) {
    await attempt(unknownEmail());
    await attempt(known);
  }
  const unknown: number[] = [];
  const wrong: number[] = [];
  for (let round = 0; round < ATTEMPTS; round++) {
    if (round % 2 === 0) {
      unknown.push(await attempt(unknownEmail()));
      wrong.push(await attempt(known));
    } else {
      wrong.push(await attempt(known));
      unknown.push(await attempt(unknownEmail()));
    }
  }
  return { unknown, wrong };
}

/** The normal approximation of the Mann-Whitney U statistic (ties given their average rank). */
export function mannWhitneyZ(a: readonly number[], b: readonly number[]): number {
  const all = [...a.map((v) => ({ v, a: true })), ...b.map((v) => ({ v, a: false }))].sort(
    (x, y) => x.v - y.v,
  );
  let rankSumA = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j + 1 < all.length && (all[j + 1] as { v: number }).v === (all[i] as { v: number }).v) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if ((all[k] as { a: boolean }).a) rankSumA += rank;
    i = j + 1;
  }
  const n1 = a.length;
  const n2 = b.length;
  const u = rankSumA - (n1 * (n1 + 1)) / 2;
  const mean = (n1 * n2) / 2;
  const sd = Math.sqrt((n1 * n2 * (n1 + n2 + 1)) / 12);
  return sd === 0 ? 0 : (u - mean) / sd;
}
