import { describe, expect, it } from 'vitest';
import { databaseLocation } from '../../../server/storage/database';
import { StorageError } from '../../../server/storage/storage-error';

describe('databaseLocation (--database, KEYWAY_DATABASE_URL)', () => {
  it('is SQLite in the data dir when neither is given (or the variable is empty)', () => {
    expect(databaseLocation('/data', undefined, {})).toEqual({ engine: 'sqlite', dataDir: '/data' });
    expect(databaseLocation('/data', undefined, { KEYWAY_DATABASE_URL: '  ' })).toEqual({
      engine: 'sqlite',
      dataDir: '/data',
    });
  });

  it('takes a postgres:// or postgresql:// URL, the option before the environment', () => {
    const env = { KEYWAY_DATABASE_URL: 'postgres://env@db.example.com/keyway' };
    expect(databaseLocation('/data', undefined, env)).toEqual({ engine: 'postgres', url: env.KEYWAY_DATABASE_URL });
    expect(databaseLocation('/data', 'postgresql://cli@10.0.0.5:5433/k', env)).toEqual({
      engine: 'postgres',
      url: 'postgresql://cli@10.0.0.5:5433/k',
    });
  });

  it.each([
    ['mysql://root:hunter2@db/keyway', /--database must start with postgres:\/\//],
    ['db.example.com/keyway', /--database is not a URL/],
    ['postgres:///keyway?host=/run/postgresql', /--database must name a host/],
  ])('refuses %s with database_url_invalid, never echoing the URL (it may hold a password)', (url, message) => {
    let thrown: unknown;
    try {
      databaseLocation('/data', url, {});
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(StorageError);
    expect(thrown).toMatchObject({ code: 'database_url_invalid' });
    expect((thrown as Error).message).toMatch(message);
    expect((thrown as Error).message).not.toContain('hunter2');
    expect((thrown as Error).message).not.toContain(url);
  });

  it('names the environment variable when the bad URL came from there', () => {
    expect(() => databaseLocation('/data', undefined, { KEYWAY_DATABASE_URL: 'sqlite:///x' })).toThrow(
      /^KEYWAY_DATABASE_URL /,
    );
  });
});
