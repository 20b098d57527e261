import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The suite shares one PostgreSQL server; each file gets its own database.
    fileParallelism: true,
    maxWorkers: 2,
  },
});
