import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Kysely, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { sqliteDialect } from '../../../server/storage/kysely-sqlite';
import { builtinSqlite, openSqlite, returnsRows, type Db } from '../../../server/storage/sqlite';

// Kysely over our Db, on the driver this Node picks (node:sqlite on Node ≥ 22, better-sqlite3 on 20).
interface Tables {
  notes: { id: number | null; body: string; at: number | null };
}

const dirs: string[] = [];
const opened: Db[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) db.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function fresh(): { db: Db; kysely: Kysely<Tables> } {
  const dir = mkdtempSync(path.join(tmpdir(), 'keyway-kysely-'));
  dirs.push(dir);
  const db = openSqlite(path.join(dir, 'test.sqlite'));
  opened.push(db);
  db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL, at INTEGER) STRICT');
  return { db, kysely: new Kysely<Tables>({ dialect: sqliteDialect(db) }) };
}

describe(`Kysely over the server's SQLite Db (${builtinSqlite() ? 'node:sqlite' : 'better-sqlite3'})`, () => {
  it('inserts with RETURNING, counts affected rows, and reads rows back', async () => {
    const { kysely } = fresh();
    const inserted = await kysely
      .insertInto('notes')
      .values({ body: 'a', at: 1_900_000_000_000 })
      .returning('id')
      .executeTakeFirst();
    expect(inserted).toEqual({ id: 1 });
    const plain = await kysely.insertInto('notes').values({ body: 'b', at: null }).executeTakeFirst();
    expect(plain.insertId).toBe(2n);
    const updated = await kysely.updateTable('notes').set({ body: 'c' }).where('at', 'is', null).executeTakeFirst();
    // A claim (UPDATE … WHERE still unclaimed) is decided by this count: it must be exact.
    expect(updated.numUpdatedRows).toBe(1n);
    const none = await kysely.updateTable('notes').set({ body: 'd' }).where('body', '=', 'nobody').executeTakeFirst();
    expect(none.numUpdatedRows).toBe(0n);
    expect(await kysely.selectFrom('notes').selectAll().orderBy('id').execute()).toEqual([
      { id: 1, body: 'a', at: 1_900_000_000_000 },
      { id: 2, body: 'c', at: null },
    ]);
  });

  it('runs a Kysely transaction on the same connection as the Db, and rolls it back on error', async () => {
    const { db, kysely } = fresh();
    await expect(
      kysely.transaction().execute(async (trx) => {
        await trx.insertInto('notes').values({ body: 'lost', at: null }).execute();
        // The synchronous Db sees the open transaction's row: one connection, one transaction.
        expect(db.prepare<[], { n: number }>('SELECT count(*) AS n FROM notes').get()?.n).toBe(1);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await kysely.selectFrom('notes').selectAll().execute()).toEqual([]);
  });

  it('takes the write lock when a transaction begins (BEGIN IMMEDIATE): another connection cannot write meanwhile', async () => {
    const { db, kysely } = fresh();
    const other = openSqlite(path.join(dirs.at(-1) ?? '', 'test.sqlite'));
    opened.push(other);
    // Fail at once rather than wait: the lock is either held (the point) or not.
    other.exec('PRAGMA busy_timeout = 0');
    await kysely.transaction().execute(async (trx) => {
      // Before this transaction has written anything, the other connection is already locked out.
      expect(() => other.exec("INSERT INTO notes (body) VALUES ('other')")).toThrow(/locked|busy/i);
      await trx.insertInto('notes').values({ body: 'mine', at: null }).execute();
    });
    expect(db.prepare<[], { body: string }>('SELECT body FROM notes').all()).toEqual([{ body: 'mine' }]);
  });

  it('binds booleans as 0/1 and refuses values SQLite cannot store', async () => {
    const { kysely } = fresh();
    const [row] = (await sql<{ yes: number; no: number }>`SELECT ${true} AS yes, ${false} AS no`.execute(kysely)).rows;
    expect(row).toEqual({ yes: 1, no: 0 });
    await expect(sql`SELECT ${{ an: 'object' }} AS x`.execute(kysely)).rejects.toThrow(/cannot bind a object/);
  });
});

describe('returnsRows (node:sqlite before StatementSync#columns)', () => {
  it('tells reads and RETURNING writes from plain writes', () => {
    expect(
      [
        'select 1',
        '  WITH x AS (select 1) select * from x',
        'pragma journal_mode',
        'insert into t values (1) returning id',
      ].map(returnsRows),
    ).toEqual([true, true, true, true]);
    expect(
      ['insert into t values (1)', 'update t set a = 1', 'delete from t', 'begin immediate', 'savepoint x'].map(
        returnsRows,
      ),
    ).toEqual([false, false, false, false, false]);
  });
});
