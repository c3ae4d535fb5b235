import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['harness/**/*.test.ts', 'experiments/**/*.test.ts'],
    // Integration tests run real experiments (tens of seconds each).
    testTimeout: 180_000,
    hookTimeout: 60_000,
    // In CI, also write counts for .ci/run's closing "N passed, N failed" line.
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: process.env.CI ? { json: '.ci/vitest-report.json' } : undefined,
  },
});
