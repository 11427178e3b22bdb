import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // The sandbox uses worker threads and the integration tests start servers: forks keep them apart.
    pool: 'forks',
    // Measured by `npm test` (--coverage), not by single-file runs, which would miss every threshold.
    // Code run in the sandbox worker threads and in child processes (npm start, the bundles, the CLI) is not
    // seen by V8 coverage of the test processes, so those files read lower than they are tested.
    coverage: {
      provider: 'v8',
      include: ['lib/**/*.ts', 'functions/**/*.ts', 'cdk/**/*.ts'],
      exclude: ['**/*.d.ts'],
      reporter: ['text-summary', 'json-summary'],
      // The figure is worth seeing when a test failed too (the thresholds are checked either way).
      reportOnFailure: true,
      // Just below the figures measured on 2026-12-05 (lines 71.9, branches 62.8, functions 71.4, statements
      // 69.5 %): they may only go up. Raise them when coverage rises.
      thresholds: { lines: 71, branches: 62, functions: 70, statements: 69 },
    },
  },
});
