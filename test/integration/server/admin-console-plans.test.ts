import { expect, it } from 'vitest';
import { UserDirectory, type PageCursor, type SearchField } from '../../../server/admin-console/user-directory';
import { postgresStorage, sqliteStorage, type Storage } from '../../../server/storage/storage';
import { openDataDirDatabase } from '../../../server/storage/database';
import { UserStore } from '../../../server/users/user-store';
import { ENGINES } from '../../support/engines';
import { CompiledQuery, sql } from 'kysely';
import { planOfStatement } from '../../support/query-plan';
import { describe, afterEach } from 'vitest';

/**
 * Issue 18: the console's user list stays fast at 100,000 users because every page is one ordered walk
 * of an index from the cursor, stopped by LIMIT: no sort of the whole table, no OFFSET. The statements
 * are captured from the real UserDirectory and EXPLAINed on both engines. The figure itself (the list at
 * 100,000 users) is a benchmark, test/bench/run.ts `admin-users`, not a timed test.
 */
describe.each(ENGINES)('admin console user list plans on $engine', (engine) => {
  afterEach(() => engine.cleanUp());

  it('pages by sign-in name and by display name from an index, in its order', async () => {
    const location = await engine.fresh();
    const seeded = await engine.open(location);
    const users = new UserStore(seeded, Date.now);
    for (let i = 0; i < 30; i += 1) {
      await users.create({
        loginId: `user${String(i).padStart(2, '0')}`,
        email: `user${String(i).padStart(2, '0')}@example.com`,
        displayName: `Name ${String(i % 7)}`,
        passwordHash: 'not-a-real-hash',
        aliases: [],
      });
    }
    const statements: { sql: string; parameters: readonly unknown[] }[] = [];
    const onQuery = (sql: string, parameters: readonly unknown[]) => statements.push({ sql, parameters });
    let storage: Storage;
    if (location.engine === 'postgres') storage = await postgresStorage(location.url, { onQuery });
    else storage = sqliteStorage(openDataDirDatabase(location.dataDir), { onQuery });
    const directory = new UserDirectory(storage);
    const shapes: [SearchField, string, PageCursor | undefined][] = [
      ['login', '', undefined],
      ['login', '', { key: 'user10', id: 11 }],
      ['login', 'user1', undefined],
      ['login', 'user1', { key: 'user12', id: 13 }],
      ['name', '', undefined],
      ['name', 'name 3', undefined],
      ['name', 'name', { key: 'name 3', id: 4 }],
    ];
    try {
      for (const [field, query, after] of shapes) {
        const page = await directory.page(field, query, after, 5);
        expect(page.entries.length, `${field} ${query}`).toBeGreaterThan(0);
      }
      expect(statements).toHaveLength(shapes.length);
      for (const [index, statement] of [...statements].entries()) {
        const plan = await orderedPlanOf(storage, statement.sql, statement.parameters);
        const [field] = shapes[index] ?? [];
        const wanted =
          field === 'name'
            ? 'users_by_display_name'
            : engine.engine === 'sqlite'
              ? 'sqlite_autoindex_user_identifiers_1'
              : 'user_identifiers_pkey';
        expect(plan, statement.sql).toContain(wanted);
        // No sort step: the rows come out of the index in page order and LIMIT stops the walk.
        expect(plan, statement.sql).not.toMatch(engine.engine === 'sqlite' ? /TEMP B-TREE/ : /"Sort|Sort Key/);
        // The lookups of each row's user go by primary key, never through the users table whole.
        if (engine.engine === 'sqlite') expect(plan, statement.sql).not.toMatch(/"SCAN (u|users)"/);
        else expect(plan, statement.sql).not.toMatch(/Seq Scan on users/);
      }
    } finally {
      await storage.close();
    }
  });
});

/**
 * The plan as planOfStatement gives it; on PostgreSQL also with sorts and bitmap scans discouraged (this
 * transaction only). On a table of 30 rows the planner prefers to sort a few rows over walking an index in
 * order, whatever indexes exist; discouraged, it still sorts when no index can give the order, so a plan
 * without a Sort proves an index CAN serve the page in order, which is what 100,000 users need.
 */
async function orderedPlanOf(storage: Storage, text: string, parameters: readonly unknown[]): Promise<string> {
  if (storage.engine === 'sqlite') return planOfStatement(storage, text, parameters);
  return storage.transaction(async () => {
    await sql`SET LOCAL enable_seqscan = off`.execute(storage.q());
    await sql`SET LOCAL enable_sort = off`.execute(storage.q());
    await sql`SET LOCAL enable_bitmapscan = off`.execute(storage.q());
    const rows = await storage.q().executeQuery(CompiledQuery.raw(`EXPLAIN ${text}`, [...parameters]));
    return JSON.stringify(rows.rows);
  });
}
