import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['harness/**/*.test.ts', 'experiments/**/*.test.ts'],
    // Integration tests run real experiments (tens of seconds each).
    testTimeout: 180_000,
    // One file at a time: the real-experiment files (the catalogue on netns, docker
    // and a qemu guest; cleanup and vm tests) would otherwise share the 2 cores, and
    // a guest's busy vCPU thread beside host runs delays their timers out of the
    // kernel's windows. Unit-test files take seconds either way.
    fileParallelism: false,
    hookTimeout: 60_000,
    // In CI, also write counts for .ci/run's closing "N passed, N failed" line.
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: process.env.CI ? { json: '.ci/vitest-report.json' } : undefined,
  },
});
