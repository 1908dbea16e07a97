import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * A new PostgreSQL database on the cluster `adminUrl` names, for one test file (or one e2e test): empty, or a
 * copy of `template` (a database nobody is connected to, e.g. the run's migrated template made by
 * postgres-cluster.ts). Returns its URL and a function that drops it. Free of vitest, so Playwright specs use it too.
 */
export async function createDatabaseOn(
  adminUrl: string,
  options: { template?: string } = {},
): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `keyway_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(adminUrl, async (client) => {
    // STRATEGY FILE_COPY (PostgreSQL 15+) copies the template's files and checkpoints; the default WAL_LOG
    // writes every block to the WAL, about 3 times slower for a small database (measured here: ~0.35 s
    // against ~1 s under load; the throwaway clusters run with fsync off, so the checkpoint costs little).
    // https://www.postgresql.org/docs/15/sql-createdatabase.html
    const version = await client.query<{ v: number }>("SELECT current_setting('server_version_num')::int AS v");
    const strategy = (version.rows[0]?.v ?? 0) >= 150000 ? ' STRATEGY FILE_COPY' : '';
    // `template` is our own identifier (postgres-cluster.ts), never input; quoted all the same.
    const template = options.template === undefined ? '' : ` TEMPLATE "${options.template.replaceAll('"', '""')}"`;
    await client.query(`CREATE DATABASE ${name}${template}${strategy}`);
  });
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    // FORCE (PostgreSQL 13+) ends connections a failed test may have left open.
    drop: () => adminQuery(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)),
  };
}

export async function adminQuery(adminUrl: string, body: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await body(client);
  } finally {
    await client.end();
  }
}
