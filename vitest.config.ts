import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // The sandbox uses worker threads and the integration tests start servers: forks keep them apart.
    pool: 'forks',
  },
});
