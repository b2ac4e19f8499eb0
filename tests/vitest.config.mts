import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

export default defineConfig({
  root,
  test: {
    include: ['src/**/*.test.ts', 'tests/**/*.test.ts', 'tests/components/**/*.test.tsx'],
    globalSetup: ['tests/global-setup.ts'],
    setupFiles: ['tests/per-file-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Measurements share 2 cores: run test files one at a time so timings stay sane.
    fileParallelism: false,
    reporters: ['default', 'json'],
    outputFile: { json: 'out/test-results.json' },
  },
});
