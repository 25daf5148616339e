import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Kernel tests marked describe.concurrent (verify's, which mostly wait for probes that must
    // time out) run this many at a time: small labs, well inside the machine's neighbour table.
    maxConcurrency: 3,
  },
});
