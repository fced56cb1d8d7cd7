import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineConfig } from 'vitest/config';

// QuantMini's own state (known lakes, schedule history) goes to a folder of this run, never the user's:
// children spawned by the tests inherit it. Tests that check the state folder set their own.
const env = { QUANTMINI_STATE_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'qm-test-state-')) };

// Three projects so each layer can be run alone; `npm test` runs all of them.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'test/unit/**/*.test.tsx'],
          environment: 'node',
          env,
          // Generous: a shared 2-core machine under load must not turn a slow test into a failure.
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          // Spawned CLIs run the esbuild bundle, built once here, instead of compiling through tsx each time.
          globalSetup: ['test/support/cli-bundle-setup.ts'],
          environment: 'node',
          env,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/support/cli-bundle-setup.ts'],
          environment: 'node',
          env,
          testTimeout: 300_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
