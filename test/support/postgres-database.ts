import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * A new, empty PostgreSQL database on the cluster `adminUrl` names, for one test file (or one e2e test).
 * Returns its URL and a function that drops it. Free of vitest, so Playwright specs use it too.
 */
export async function createDatabaseOn(adminUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `keyway_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    // FORCE (PostgreSQL 13+) ends connections a failed test may have left open.
    drop: () => adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

async function adminQuery(adminUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
