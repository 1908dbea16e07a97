import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { AuditLog, type AuditQuery } from '../../../server/audit/audit-log';
import { openDataDirDatabase } from '../../../server/storage/database';
import { postgresStorage, sqliteStorage, type Storage } from '../../../server/storage/storage';
import { forEachEngine } from '../../support/engines';
import { planOfStatement } from '../../support/query-plan';

/**
 * AuditLog.query stays fast however long the trail grows: over 200,000 events (with the planner's
 * statistics gathered), every filter the console offers reads an index and stops at the page's limit:
 * no whole-table scan, and no sort except (PostgreSQL) of the few rows an index lookup found, which the
 * planner may prefer for one user's events. Plans, not timings, so the test holds on a busy machine.
 */
const ROWS = 200_000;

async function fill(storage: Storage): Promise<void> {
  const type = `CASE WHEN n % 10 = 0 THEN 'sign-in.failed' ELSE 'sign-in.succeeded' END`;
  const body = `SELECT n * 1000, ${type}, 'user', CAST(n % 5000 AS TEXT), n % 5000 + 1, '{"method":"password"}'`;
  const columns = 'audit_events (at, type, actor_kind, actor, user_id, details)';
  if (storage.engine === 'sqlite') {
    await sql
      .raw(
        `WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < ${ROWS}) INSERT INTO ${columns} ${body} FROM s`,
      )
      .execute(storage.q());
    await sql`ANALYZE`.execute(storage.q());
  } else {
    await sql.raw(`INSERT INTO ${columns} ${body} FROM generate_series(1, ${ROWS}) AS n`).execute(storage.q());
    await sql`ANALYZE audit_events`.execute(storage.q());
  }
}

const QUERIES: AuditQuery[] = [
  { limit: 50 },
  { limit: 50, cursor: '150000000.150000' },
  { limit: 50, userId: 41 },
  { limit: 50, userId: 41, from: 1_000, to: 100_000_000 },
  { limit: 50, userId: 41, types: ['sign-in.failed'] },
  { limit: 50, types: ['sign-in.failed'] },
  { limit: 50, types: ['sign-in.failed'], cursor: '150000000.150000' },
  { limit: 50, from: 50_000_000, to: 60_000_000 },
];

forEachEngine('audit query plans', (_open, engine) => {
  it(`every console filter reads an index in order over ${ROWS} events`, { timeout: 180_000 }, async () => {
    const location = await engine.fresh();
    await fill(await engine.open(location));
    const captured: { sql: string; parameters: readonly unknown[] }[] = [];
    const onQuery = (text: string, parameters: readonly unknown[]) => captured.push({ sql: text, parameters });
    const storage =
      location.engine === 'sqlite'
        ? sqliteStorage(openDataDirDatabase(location.dataDir), { onQuery })
        : await postgresStorage(location.url, { onQuery });
    try {
      const audit = new AuditLog(storage, () => 0);
      for (const query of QUERIES) {
        captured.length = 0;
        const page = await audit.query(query);
        expect(page.events.length, JSON.stringify(query)).toBeGreaterThan(0);
        const [statement] = captured;
        if (!statement) throw new Error('The query ran no statement.');
        const plan = await planOfStatement(storage, statement.sql, statement.parameters);
        const label = `${JSON.stringify(query)}\n${plan}`;
        expect(plan, label).toMatch(/audit_events_by_(time|user|type)/);
        if (storage.engine === 'sqlite') {
          expect(plan, label).not.toMatch(/TEMP B-TREE|"SCAN audit_events"/);
        } else {
          expect(plan, label).not.toMatch(/Seq Scan/);
          // A sort is fine only over what an index lookup found (one user's events), never the whole table.
          if (plan.includes('Sort')) expect(plan, label).toMatch(/Index Cond/);
        }
      }
    } finally {
      await storage.close();
    }
  });
});
