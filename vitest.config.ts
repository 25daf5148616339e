import { defineConfig } from 'vitest/config';

// Two projects that run side by side, one file at a time each: the pure tests (compile,
// render, diagrams, errors) keep one CPU busy while the kernel tests, which mostly wait for the
// kernel and for probes that must time out, take turns on the other. Kernel test files never
// run two at a time: they share the machine's neighbour table, its Open vSwitch and its load.
const shared = {
  testTimeout: 60_000,
  hookTimeout: 120_000,
  // Kernel tests marked describe.concurrent (verify's, which mostly wait for probes that must
  // time out) run this many at a time: small labs, well inside the machine's neighbour table.
  maxConcurrency: 3,
  maxWorkers: 1,
  minWorkers: 1,
};

export default defineConfig({
  test: {
    ...shared,
    projects: [
      { test: { ...shared, name: 'pure', include: ['test/unit/**/*.test.ts', 'test/errors/**/*.test.ts'] } },
      { test: { ...shared, name: 'kernel', include: ['test/kernel/**/*.test.ts', 'test/faults/**/*.test.ts'] } },
    ],
  },
});
