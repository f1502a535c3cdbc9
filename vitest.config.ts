import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: integration tests start processes and containers, so files run one or two at a time.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
