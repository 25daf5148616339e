import { defineConfig } from 'vitest/config';

// Two projects that run side by side, one file at a time each: the pure tests (compile, render,
// diagrams, errors; in worker threads) keep one CPU busy while the kernel tests (in forked
// processes), which mostly wait for the kernel and for probes that must time out, take turns on
// the other. Each pool holds one worker, so kernel test files never run two at a time: they share
// the machine's neighbour table, its Open vSwitch and its load.
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Kernel tests marked describe.concurrent (verify's, which mostly wait for probes that must
    // time out) run this many at a time: small labs, well inside the machine's neighbour table.
    maxConcurrency: 3,
    poolOptions: { threads: { maxThreads: 1, minThreads: 1 }, forks: { maxForks: 1, minForks: 1 } },
    projects: [
      { extends: true, test: { name: 'pure', pool: 'threads', include: ['test/unit/**/*.test.ts', 'test/errors/**/*.test.ts'] } },
      { extends: true, test: { name: 'kernel', pool: 'forks', include: ['test/kernel/**/*.test.ts', 'test/faults/**/*.test.ts'] } },
    ],
  },
});
