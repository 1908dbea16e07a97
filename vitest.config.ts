import os from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Vitest 4.1 runs `availableParallelism() - 1` files at once (resolveMaxWorkers in vitest/dist), which is ONE
    // on a 2-core CI box: the run was serial (each layer's duration ≈ the sum of its files' import and test
    // times), while an integration file mostly waits on other processes (PostgreSQL, Chromium, the keychain)
    // and on argon2 in libuv's pool, leaving a core idle. Two at least; vitest's own default above that.
    // One value for every project: vitest refuses projects of one run with different maxWorkers.
    // Parallel files share nothing: ephemeral 127.0.0.1 ports, their own temp dirs, databases and keychain
    // entries (the Playwright layer already runs 2 workers on the same keyring).
    maxWorkers: Math.max(2, os.availableParallelism() - 1),
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.{ts,tsx}'],
          environment: 'node',
          // A time limit is not an assertion: on a loaded 2-core CI box electron-builder's schema check alone
          // took over vitest's default 5 s. Tests must never depend on speed; this only bounds a hang.
          testTimeout: 30_000,
          // electron-store is run for real in its test against a stand-in `electron` (which needs a binary):
          // inlined, its `import electron` goes through vi.mock.
          server: { deps: { inline: ['electron-store'] } },
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          // A throwaway PostgreSQL cluster for the run: stores are tested on SQLite and PostgreSQL.
          globalSetup: ['test/support/postgres-cluster.ts'],
          environment: 'node',
          // Bounds on a hang, not assertions: with two files at once on 2 loaded cores, a test that starts 25
          // Node processes (fault-settings) took over 30 s here at a load average of 15.
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          // The server's HTTP tests again, each server on a fresh PostgreSQL database (server-fixture.ts):
          // the store and service tests run on both engines within the integration project already.
          name: 'integration-postgres',
          include: ['test/integration/server/**/*.test.ts'],
          // Files that start no test server: they run every case on both engines already (ENGINES), or on
          // PostgreSQL only (several instances), so running them here again would prove nothing new.
          exclude: [
            'deployment-store',
            'federation-stores',
            'mfa-stores',
            'multi-instance',
            'oidc-adapter',
            'query-plans',
            'refresh-rotation',
            'secret-key',
            'settings',
            'sign-in-throttle',
            'storage-engines',
          ].map((name) => `test/integration/server/${name}.test.ts`),
          env: { KEYWAY_TEST_ENGINE: 'postgres' },
          globalSetup: ['test/support/postgres-cluster.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
