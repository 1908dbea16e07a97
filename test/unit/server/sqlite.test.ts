import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { builtinSqlite, openSqlite, type Db } from '../../../server/storage/sqlite';

// One contract, run against the driver this Node picks: node:sqlite where Node has it (Node 24 in
// CI's second run), better-sqlite3 on Node 20. The server must not be able to tell them apart.
const dirs: string[] = [];
const opened: Db[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) db.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function fresh(): Db {
  const dir = mkdtempSync(path.join(tmpdir(), 'keyway-sqlite-'));
  dirs.push(dir);
  const db = openSqlite(path.join(dir, 'test.sqlite'));
  opened.push(db);
  db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL, author TEXT) STRICT');
  return db;
}

const count = (db: Db): number => db.prepare<[], { n: number }>('SELECT count(*) AS n FROM notes').get()?.n ?? -1;

describe(`sqlite storage (${builtinSqlite() ? 'node:sqlite' : 'better-sqlite3'})`, () => {
  it('picks the built-in driver exactly when this Node has it', () => {
    expect(fresh().driver).toBe(builtinSqlite() ? 'node:sqlite' : 'better-sqlite3');
  });

  it('binds positional and named parameters and reports changes and row ids', () => {
    const db = fresh();
    const first = db.prepare<[string, string | null]>('INSERT INTO notes (body, author) VALUES (?, ?)').run('a', null);
    const second = db
      .prepare<[{ body: string; author: string; ignored: string }]>(
        'INSERT INTO notes (body, author) VALUES (@body, @author)',
      )
      .run({ body: 'b', author: 'ana', ignored: 'extra keys are not bound' });
    expect([first.changes, Number(first.lastInsertRowid), Number(second.lastInsertRowid)]).toEqual([1, 1, 2]);
    expect(
      db.prepare<[], { body: string; author: string | null }>('SELECT body, author FROM notes ORDER BY id').all(),
    ).toEqual([
      { body: 'a', author: null },
      { body: 'b', author: 'ana' },
    ]);
    expect(db.prepare<[string]>('SELECT * FROM notes WHERE body = ?').get('missing')).toBeUndefined();
  });

  it('refuses a missing named parameter instead of storing NULL', () => {
    const db = fresh();
    const insert = db.prepare<[{ body: string; author?: string }]>(
      'INSERT INTO notes (body, author) VALUES (@body, @author)',
    );
    expect(() => insert.run({ body: 'x' })).toThrow(/author/);
    expect(count(db)).toBe(0);
  });

  it('rolls a failed transaction back whole, and nested ones back to their savepoint', () => {
    const db = fresh();
    const insert = db.prepare<[string]>('INSERT INTO notes (body) VALUES (?)');
    expect(() =>
      db.transaction(() => {
        insert.run('kept only if all succeed');
        throw new Error('boom');
      })(),
    ).toThrow('boom');
    expect(count(db)).toBe(0);

    const result = db
      .transaction(() => {
        insert.run('outer');
        try {
          db.transaction(() => {
            insert.run('inner');
            throw new Error('inner fails');
          })();
        } catch {
          // The outer transaction carries on without the inner one's row.
        }
        return db.transaction(() => insert.run('second inner').changes)();
      })
      .immediate();
    expect(result).toBe(1);
    expect(
      db
        .prepare<[], { body: string }>('SELECT body FROM notes ORDER BY id')
        .all()
        .map((row) => row.body),
    ).toEqual(['outer', 'second inner']);
  });

  it('opens read-only when asked, and a read-only connection cannot write', () => {
    const db = fresh();
    db.prepare<[string]>('INSERT INTO notes (body) VALUES (?)').run('x');
    const file = path.join(dirs.at(-1) ?? '', 'test.sqlite');
    const reader = openSqlite(file, { readonly: true });
    opened.push(reader);
    expect(count(reader)).toBe(1);
    expect(() => reader.prepare<[string]>('INSERT INTO notes (body) VALUES (?)').run('y')).toThrow(
      /readonly|read-only/i,
    );
  });
});
