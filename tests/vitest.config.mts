import { configDefaults, defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Tests beside the code in src/ that drive a real tool for seconds or minutes: they run with the
 * integration project. Globs, so that they follow their file when it changes folder.
 * - goimports-index: the real gopls writes its index of a module cache;
 * - devbox-offline-flake: the real Nix builds the offline flake, copying the host's GOROOT into a
 *   store that an integration test's cold start may have emptied (60 s on a loaded machine).
 */
const SRC_WITH_REAL_TOOLS = ['src/**/goimports-index.test.ts', 'src/**/devbox-offline-flake.test.ts'];

// `npm test` runs both projects: unit first (files in parallel, vitest's default number of
// workers), then integration, one file at a time.
// `npm run test:unit` runs the unit project alone (--project unit), without building anything.
export default defineConfig({
  root,
  test: {
    reporters: ['default', 'json'],
    outputFile: { json: 'out/test-results.json' },
    projects: [
      {
        test: {
          name: 'unit',
          // The code's own tests: no build, no Docker, no Nix store; a few run bash or `true`
          // through the measure helper npm install built.
          include: ['src/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...SRC_WITH_REAL_TOOLS],
          globalSetup: ['tests/test-run-dir.ts'],
          setupFiles: ['tests/per-file-setup.ts'],
          testTimeout: 30_000,
          // Files share their workers' modules: three times less CPU than a fresh module graph
          // per file. So a unit test leaves nothing behind: mocks restored (vi.restoreAllMocks),
          // no process.env or module state changed; one that cannot belongs in integration.
          isolate: false,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'integration',
          // The real CLI, app, engines and tools, against the builds global-setup.ts makes.
          include: ['tests/**/*.test.ts', 'tests/components/**/*.test.tsx', ...SRC_WITH_REAL_TOOLS],
          globalSetup: ['tests/test-run-dir.ts', 'tests/global-setup.ts'],
          setupFiles: ['tests/per-file-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          // Measurements share 2 cores: test files run one at a time, after the unit project, so
          // timings stay sane.
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
