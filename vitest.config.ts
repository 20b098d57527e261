import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    globalSetup: ['test/support/global-setup.ts'],
    // Generous: CLI tests spawn many processes, and a shared 2-core machine can be slow; a hang still fails.
    testTimeout: 180_000,
    hookTimeout: 60_000,
    // The suite shares one PostgreSQL server; each file gets its own database.
    fileParallelism: true,
    maxWorkers: 2,
  },
});
