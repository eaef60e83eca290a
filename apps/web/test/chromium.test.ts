import { describe, expect, it } from 'vitest';
import { browserSuiteRuns, isCi } from '../harness/src/chromium.js';

/** Whether a browser suite runs: never skipped in CI, skipped with a warning elsewhere. */
describe('browserSuiteRuns', () => {
  it('runs a suite when the browser is there, in CI or not', () => {
    for (const ci of [true, false])
      expect(browserSuiteRuns('x.test.ts', { path: process.execPath, ci })).toBe(true);
  });

  it('fails the run in CI when the browser is missing', () => {
    expect(() => browserSuiteRuns('x.test.ts', { path: '/nonexistent/chromium', ci: true })).toThrow(
      /x\.test\.ts: \/nonexistent\/chromium is missing .* In CI a browser suite must run, never be skipped/,
    );
  });

  it('skips with a warning outside CI', () => {
    const warnings: string[] = [];
    const runs = browserSuiteRuns('x.test.ts', {
      path: '/nonexistent/chromium',
      ci: false,
      warn: (message) => warnings.push(message),
    });
    expect(runs).toBe(false);
    expect(warnings).toEqual([expect.stringMatching(/is missing .* Its tests are skipped\./)]);
  });

  it('reads CI from the environment as CI services set it', () => {
    expect(isCi({ CI: 'true' })).toBe(true);
    expect(isCi({ CI: '1' })).toBe(true);
    expect(isCi({ CI: 'false' })).toBe(false);
    expect(isCi({})).toBe(false);
  });
});
