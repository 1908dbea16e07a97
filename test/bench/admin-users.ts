import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { UserDirectory, type PageCursor, type SearchField } from '../../server/admin-console/user-directory';
import { openStorage } from '../../server/storage/database';
import type { Storage } from '../../server/storage/storage';
import { median } from './stats';

export interface UserListTimes {
  firstPageMs: number;
  /** A page from a cursor in the middle of the list (what "next page" does deep in it). */
  deepPageMs: number;
  /** A display-name prefix search. */
  nameSearchMs: number;
}

/**
 * The admin console's user list (server/admin-console/user-directory.ts) over `users` users: the
 * medians of `samples` calls per page shape, on a fresh database filled with plain INSERTs (the rows a
 * server would have; password hashes are placeholders, since listing never reads them).
 */
export async function adminUserListTimes(
  database: string | undefined,
  users: number,
  samples: number,
): Promise<UserListTimes> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'keyway-bench-admin-'));
  const storage = await openStorage(
    database === undefined ? { engine: 'sqlite', dataDir } : { engine: 'postgres', url: database },
    {
      migrations: 'apply',
    },
  );
  try {
    await seed(storage, users);
    const directory = new UserDirectory(storage);
    const middle = `user${String(Math.floor(users / 2)).padStart(6, '0')}`;
    const time = async (field: SearchField, query: string, after?: PageCursor): Promise<number> => {
      const runs: number[] = [];
      for (let i = 0; i < samples; i += 1) {
        const started = performance.now();
        const page = await directory.page(field, query, after);
        runs.push(performance.now() - started);
        if (page.entries.length === 0) throw new Error(`The ${field} "${query}" page is empty.`);
      }
      return median(runs);
    };
    return {
      firstPageMs: await time('login', ''),
      deepPageMs: await time('login', '', { key: middle, id: 0 }),
      nameSearchMs: await time('name', 'person 9'),
    };
  } finally {
    await storage.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function seed(storage: Storage, users: number): Promise<void> {
  const chunk = 500;
  for (let start = 0; start < users; start += chunk) {
    await storage.transaction(async () => {
      const q = storage.q();
      const now = Date.now();
      const numbers = Array.from({ length: Math.min(chunk, users - start) }, (_, index) => start + index);
      const rows = await q
        .insertInto('users')
        .values(
          numbers.map((n) => ({
            login_id: `user${String(n).padStart(6, '0')}`,
            email: `user${String(n).padStart(6, '0')}@example.com`,
            display_name: `Person ${String(n)}`,
            password_hash: 'placeholder',
            created_at: now,
            password_changed_at: now,
            phone: null,
          })),
        )
        .returning(['id', 'login_id', 'email'])
        .execute();
      await q
        .insertInto('user_identifiers')
        .values(
          rows.flatMap((row) => [
            { identifier: row.login_id, display: row.login_id, user_id: row.id, kind: 'login_id' as const },
            { identifier: row.email, display: row.email, user_id: row.id, kind: 'email' as const },
          ]),
        )
        .execute();
    });
  }
  // Fresh statistics, as autovacuum would have them on a server that grew to this size.
  await sql`ANALYZE`.execute(storage.q());
}
