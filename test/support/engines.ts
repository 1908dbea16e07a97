import { mkdtempSync, rmSync } from 'node:fs';
import { afterEach, describe } from 'vitest';
import os from 'node:os';
import path from 'node:path';
import {
  openDataDirDatabase,
  openStorage,
  type DatabaseLocation,
  type OpenStorageOptions,
} from '../../server/storage/database';
import { postgresStorage, sqliteStorage, type Engine, type Storage } from '../../server/storage/storage';
import { createPostgresDatabase } from './postgres';

/**
 * The engines every store and service test runs on: `describe.each(ENGINES)`. Each `fresh()` gives a
 * new, empty database location of that engine (a temp data dir, or a new PostgreSQL database on the
 * run's cluster) and removes it when `cleanUp()` runs.
 */
export interface EngineUnderTest {
  engine: Engine;
  /**
   * A new database location. Empty by default; `migrated` on PostgreSQL copies the run's migrated template
   * (postgres.ts), which is what `open()` would make of an empty one, only cheaper.
   */
  fresh(options?: { migrated?: boolean }): Promise<DatabaseLocation>;
  open(location: DatabaseLocation, options?: OpenStorageOptions): Promise<Storage>;
  /** The database as it is, without looking at or applying migrations. */
  openUnmigrated(location: DatabaseLocation): Promise<Storage>;
  cleanUp(): Promise<void>;
}

function engineUnderTest(engine: Engine): EngineUnderTest {
  const cleanUps: (() => Promise<void>)[] = [];
  const opened: Storage[] = [];
  return {
    engine,
    fresh: async (options = {}) => {
      if (engine === 'sqlite') {
        const dataDir = mkdtempSync(path.join(os.tmpdir(), 'keyway-engine-'));
        cleanUps.push(() => {
          rmSync(dataDir, { recursive: true, force: true });
          return Promise.resolve();
        });
        return { engine, dataDir };
      }
      const database = await createPostgresDatabase(options);
      cleanUps.push(database.drop);
      return { engine, url: database.url };
    },
    open: async (location, options = { migrations: 'apply' }) => {
      const storage = await openStorage(location, options);
      opened.push(storage);
      return storage;
    },
    openUnmigrated: async (location) => {
      const storage =
        location.engine === 'sqlite'
          ? sqliteStorage(openDataDirDatabase(location.dataDir))
          : await postgresStorage(location.url);
      opened.push(storage);
      return storage;
    },
    cleanUp: async () => {
      // Connections first: a database cannot be dropped (nor a file removed cleanly) while in use.
      await Promise.all(opened.splice(0).map((storage) => storage.close()));
      for (const cleanUp of cleanUps.splice(0).reverse()) await cleanUp();
    },
  };
}

export const ENGINES: readonly EngineUnderTest[] = [engineUnderTest('sqlite'), engineUnderTest('postgres')];

/**
 * `describe.each(ENGINES)` with the set-up every store and service test repeats: `open()` gives a new,
 * empty, migrated database of the engine (a temp data dir, or a copy of the run's migrated PostgreSQL
 * template: `open()` still runs the migrations and finds none pending), and every
 * database opened in a test is closed and removed after it. For several instances on one database, use
 * `engine.fresh()` and `engine.open(location)` directly.
 */
export function forEachEngine(
  name: string,
  body: (open: () => Promise<Storage>, engine: EngineUnderTest) => void,
): void {
  describe.each(ENGINES)(`${name} on $engine`, (engine) => {
    afterEach(() => engine.cleanUp());
    body(async () => engine.open(await engine.fresh({ migrated: true })), engine);
  });
}
