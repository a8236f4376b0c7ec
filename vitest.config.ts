/** One Temporal dev server and one workflow bundle for the whole run; test files fork. */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    setupFiles: ['test/helpers/quiet-temporal-logs.ts'],
    // Temporal's native module does not like worker threads.
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // Two cores: more forks than that only make the Temporal tests time out.
    maxWorkers: 2,
  },
});
