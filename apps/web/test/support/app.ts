/**
 * The end-to-end tests' harness lives in apps/web/harness (compiled, so the benchmarks can import it
 * as `@kakeibo/web/harness`); the tests use its source directly, with no build step.
 */
export * from '../../harness/src/app-harness.js';
