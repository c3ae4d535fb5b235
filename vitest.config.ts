import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['harness/**/*.test.ts', 'experiments/**/*.test.ts'],
    // Integration tests run real experiments (tens of seconds each).
    testTimeout: 180_000,
    hookTimeout: 60_000,
  },
});
