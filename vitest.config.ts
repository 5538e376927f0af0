// One vitest config, two projects. "unit" needs nothing outside the process; "integration"
// (test/integration, test/e2e) runs against real components, with a real Kafka broker from
// test/support/global-setup.ts. vitest runs a project's globalSetup only when that project has
// selected files, so `vitest run packages/contract` never starts Java.

import { defineConfig } from 'vitest/config';

const NEEDS_REAL_COMPONENTS = ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'];

export default defineConfig({
  test: {
    exclude: ['**/node_modules/**', '**/dist/**'],
    env: {
      // Test code may build plain kafkajs producers; the transport passes its own partitioner.
      KAFKAJS_NO_PARTITIONER_WARNING: '1',
    },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['packages/**/*.test.ts', 'services/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['**/node_modules/**', '**/dist/**', ...NEEDS_REAL_COMPONENTS],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: NEEDS_REAL_COMPONENTS,
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 60000,
          hookTimeout: 120000,
        },
      },
    ],
  },
});
