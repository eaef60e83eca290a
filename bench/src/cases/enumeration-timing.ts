import type { BenchCase } from '../case.js';
import { median, now, percentile } from '../case.js';
import { BENCH_PASSWORD, BenchDevice, benchEmail } from '../support/client.js';
import { startSqliteServer } from '../support/server.js';

const ATTEMPTS = 15;
const WARMUP = 2;

/**
 * Account enumeration by timing: a sign-in with an unknown email must cost what one with a known
 * email and a wrong password costs. Attempts alternate (and swap which goes first each round) so a
 * drifting machine affects both sides alike.
 */
export const enumerationTiming: BenchCase = {
  name: 'enumeration-timing',
  summary:
    'Sign-in timing, unknown email vs known email with a wrong password: 15 attempts each over HTTP (login throttling raised to 1,000 failures per account and per address), median and p90.',
  timeoutMs: 120_000,
  async run({ log }) {
    const server = await startSqliteServer({
      loginLimits: { failuresPerAccount: 1000, failuresPerIp: 1000 },
    });
    try {
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
      const unknownEmail = () => `nobody.${process.pid}.${++unknownCount}@example.com`;

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
      log(
        `  unknown median ${median(unknown).toFixed(1)} ms, wrong password median ${median(wrong).toFixed(1)} ms`,
      );
      return {
        metrics: [
          {
            metric: 'unknown email: median (baseline: wrong password)',
            value: median(unknown),
            unit: 'ms',
            baseline: { value: median(wrong), unit: 'ms' },
            ratio: median(unknown) / median(wrong),
            target: { of: 'ratio', min: 0.8, max: 1.25 },
          },
          {
            metric: 'unknown email: p90 (baseline: wrong password)',
            value: percentile(unknown, 90),
            unit: 'ms',
            baseline: { value: percentile(wrong, 90), unit: 'ms' },
            ratio: percentile(unknown, 90) / percentile(wrong, 90),
          },
        ],
        notes: [
          `Unknown email (ms): ${unknown.map((t) => t.toFixed(0)).join(', ')}.`,
          `Known email, wrong password (ms): ${wrong.map((t) => t.toFixed(0)).join(', ')}.`,
          `Client-side times of the whole signed request (${WARMUP} warm-up attempts of each kind first); every attempt answered 401 auth.invalid_credentials.`,
        ],
      };
    } finally {
      await server.close();
    }
  },
};
