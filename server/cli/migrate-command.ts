import { openDataDirDatabase } from '../storage/database';
import { runMigrations, schemaVersion } from '../storage/migrations';
import { postgresStorage, sqliteStorage } from '../storage/storage';
import { parseCommandArgs, resolveDatabase, resolveDataDir } from './arguments';
import type { CliIo } from './cli-io';

/**
 * `migrate`: brings the database's schema up to date and says what it did. The one way a shared
 * PostgreSQL database is migrated (besides `serve --migrate`); on SQLite `serve` does it too.
 */
export async function runMigrate(args: readonly string[], io: CliIo): Promise<void> {
  const options = parseCommandArgs('migrate', args);
  const dataDir = resolveDataDir(options['data-dir'], io);
  const location = resolveDatabase(dataDir, options.database, io);
  const storage =
    location.engine === 'sqlite' ? sqliteStorage(openDataDirDatabase(dataDir)) : await postgresStorage(location.url);
  try {
    const applied = await runMigrations(storage);
    const version = await schemaVersion(storage);
    const where = location.engine === 'sqlite' ? `SQLite in ${dataDir}` : 'PostgreSQL';
    io.out(
      applied.length === 0
        ? `${where}: up to date (schema ${version}).`
        : `${where}: applied ${applied.length} migration(s), ${applied.join(', ')} (schema ${version}).`,
    );
  } finally {
    await storage.close();
  }
}
