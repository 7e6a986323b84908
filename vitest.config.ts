import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Prints the reliability harness's figures table at the end of a run that recorded any.
    globalSetup: ['test/reliability/figures-report.ts'],
    // Two cores in CI: one fork each keeps native modules (sqlite, sharp) and real servers independent.
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});
