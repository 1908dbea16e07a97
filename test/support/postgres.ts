import { inject } from 'vitest';
import { createDatabaseOn } from './postgres-database';

/**
 * A new, empty PostgreSQL database on the run's cluster (postgres-cluster.ts), for one test file.
 * Returns its URL and a function that drops it (call it in afterAll).
 */
export function createPostgresDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  return createDatabaseOn(inject('postgresAdminUrl'));
}
