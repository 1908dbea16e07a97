import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_FILE, openDataDirDatabase } from '../../../server/storage/database';
import { openSqlite } from '../../../server/storage/sqlite';
import { sqliteStorage, type Storage } from '../../../server/storage/storage';

/**
 * SQLite's group commit (server/storage/group-commit.ts): transactions ready at once share one COMMIT
 * (one fsync), and each caller still gets exactly what its own transaction would have given it: its
 * result only once its work is durable, its own error alone, and nothing kept when the group fails.
 * Real SQLite files (WAL, synchronous=FULL, as the server opens them); "durable" is checked from a
 * second connection, which sees only what has been committed.
 */
describe('SQLite group commit', () => {
  const dirs: string[] = [];
  const opened: Storage[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((storage) => storage.close()));
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  function open(): { storage: Storage; commits: () => number; otherConnection: () => ReturnType<typeof openSqlite> } {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'keyway-group-'));
    dirs.push(dir);
    let commits = 0;
    const db = openDataDirDatabase(dir);
    db.exec('CREATE TABLE parents (id INTEGER PRIMARY KEY)');
    db.exec('CREATE TABLE items (name TEXT PRIMARY KEY, parent INTEGER REFERENCES parents (id))');
    const storage = sqliteStorage(db, {
      onQuery: (text) => {
        if (/^\s*commit\b/i.test(text)) commits += 1;
      },
    });
    opened.push(storage);
    return {
      storage,
      commits: () => commits,
      otherConnection: () => openSqlite(path.join(dir, DATABASE_FILE), { readonly: true }),
    };
  }

  const insert = (storage: Storage, name: string) =>
    sql`insert into items (name) values (${name})`.execute(storage.q());

  const committedNames = (reader: ReturnType<typeof openSqlite>): string[] =>
    (reader.prepare<[], { name: string }>('select name from items order by name').all() as { name: string }[]).map(
      (row) => row.name,
    );

  it('makes transactions that are ready at once durable with one commit', async () => {
    const { storage, commits } = open();
    const names = Array.from({ length: 10 }, (_, index) => `item-${String(index).padStart(2, '0')}`);
    const results = await Promise.all(
      names.map((name) =>
        storage.transaction(async () => {
          await insert(storage, name);
          return name;
        }),
      ),
    );
    expect(results).toEqual(names);
    // Before group commit each of the ten paid its own COMMIT (an fsync each).
    expect(commits()).toBe(1);
    const rows = await sql<{ name: string }>`select name from items order by name`.execute(storage.q());
    expect(rows.rows.map((row) => row.name)).toEqual(names);
  });

  it('answers no caller before its work is committed (seen from another connection)', async () => {
    const { storage, otherConnection } = open();
    const reader = otherConnection();
    try {
      const seenAtAnswer = await Promise.all(
        ['a', 'b', 'c'].map((name) =>
          storage
            .transaction(async () => {
              await insert(storage, name);
            })
            .then(() => committedNames(reader)),
        ),
      );
      // Each caller, the moment it is answered, finds its row (and the group's) committed.
      for (const seen of seenAtAnswer) expect(seen).toEqual(['a', 'b', 'c']);
    } finally {
      reader.close();
    }
  });

  it('rolls back a failing transaction alone; the others of its group commit', async () => {
    const { storage, otherConnection } = open();
    const failure = new Error('this one fails after writing');
    const outcomes = await Promise.allSettled([
      storage.transaction(() => insert(storage, 'kept-1')),
      storage.transaction(async () => {
        await insert(storage, 'rolled-back');
        throw failure;
      }),
      storage.transaction(() => insert(storage, 'kept-2')),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toBe(failure);
    const reader = otherConnection();
    try {
      expect(committedNames(reader)).toEqual(['kept-1', 'kept-2']);
    } finally {
      reader.close();
    }
  });

  it('keeps nothing of a group whose commit fails, and tells every caller', async () => {
    const { storage, otherConnection } = open();
    const outcomes = await Promise.allSettled([
      storage.transaction(() => insert(storage, 'innocent')),
      // A foreign key checked only at COMMIT (deferred): the group's COMMIT fails on it.
      storage.transaction(async () => {
        await sql`pragma defer_foreign_keys = on`.execute(storage.q());
        await sql`insert into items (name, parent) values ('dangling', 42)`.execute(storage.q());
      }),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
    for (const outcome of outcomes) {
      expect(String((outcome as PromiseRejectedResult).reason)).toMatch(/FOREIGN KEY/i);
    }
    const reader = otherConnection();
    try {
      expect(committedNames(reader)).toEqual([]);
    } finally {
      reader.close();
    }
    // The connection is usable again afterwards.
    await storage.transaction(() => insert(storage, 'after'));
    const again = otherConnection();
    try {
      expect(committedNames(again)).toEqual(['after']);
    } finally {
      again.close();
    }
  });

  it('nests a transaction inside a grouped one as a savepoint', async () => {
    const { storage, otherConnection } = open();
    await storage.transaction(async () => {
      await insert(storage, 'outer');
      await storage
        .transaction(async () => {
          await insert(storage, 'inner');
          throw new Error('inner fails');
        })
        .catch(() => undefined);
    });
    const reader = otherConnection();
    try {
      expect(committedNames(reader)).toEqual(['outer']);
    } finally {
      reader.close();
    }
  });
});
