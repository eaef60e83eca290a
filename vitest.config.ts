import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'apps/*/test/**/*.test.ts', 'scripts/test/**/*.test.ts'],
    // Property-based suites run many cases; give them room on a shared 2-core machine.
    testTimeout: 60_000,
    // Suites start real server processes and databases in their hooks; a busy machine needs room.
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
