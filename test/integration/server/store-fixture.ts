import { sql } from 'kysely';
import pg from 'pg';
import type { TableName } from '../../../server/storage/schema';
import type { Storage } from '../../../server/storage/storage';
import { UserStore } from '../../../server/users/user-store';
import type { EngineUnderTest } from '../../support/engines';

/** The PostgreSQL URL of each storage instancesOn opened, for gatheredAtWrites. */
const urls = new WeakMap<Storage, string>();

/**
 * One new database seen as server instances see it. PostgreSQL: three storages with their own pools,
 * as three instances would have. SQLite: one connection per process (storage-engines.test.ts), so one.
 * Every storage is closed and the database removed by the engine's cleanUp (forEachEngine).
 */
export async function instancesOn(engine: EngineUnderTest): Promise<[Storage, ...Storage[]]> {
  const location = await engine.fresh();
  const first = await engine.open(location);
  if (location.engine === 'sqlite') return [first];
  const instances: [Storage, ...Storage[]] = [first, await engine.open(location), await engine.open(location)];
  for (const storage of instances) urls.set(storage, location.url);
  // Each pool opens its connections on first demand: open them now, so no racer starts late.
  await Promise.all(
    instances.flatMap((storage) => Array.from({ length: 8 }, () => sql`select 1`.execute(storage.q()))),
  );
  return instances;
}

/**
 * Runs `racers` so that they truly race on PostgreSQL: another session holds `table` in EXCLUSIVE mode
 * (reads pass, writes wait: https://www.postgresql.org/docs/15/explicit-locking.html#LOCKING-TABLES)
 * until `writers` sessions wait to write it, then lets them all go. So every racer has read what it
 * reads before its first write to `table` before any of them writes, whatever the scheduling: a check
 * outside a transaction, or a write without its condition, is then caught every time, not by luck.
 * SQLite needs no help: its one connection interleaves the racers at every await, reads first.
 */
export async function gatheredAtWrites<T>(
  storage: Storage,
  table: TableName,
  writers: number,
  racers: () => Promise<T>,
): Promise<T> {
  const url = urls.get(storage);
  if (url === undefined) return racers();
  const holder = new pg.Client({ connectionString: url });
  await holder.connect();
  try {
    await holder.query('BEGIN');
    await holder.query(`LOCK TABLE ${table} IN EXCLUSIVE MODE`);
    const raced = racers();
    const racing = { settled: false };
    void raced.then(
      () => (racing.settled = true),
      () => (racing.settled = true),
    );
    // Until every writer waits for the lock (or the racers ended without writing: then there is no race
    // to hold, and their result says what happened).
    for (;;) {
      const { rows } = await holder.query<{ waiting: number }>(
        'SELECT count(*)::int AS waiting FROM pg_locks WHERE NOT granted AND relation = $1::regclass',
        [table],
      );
      if ((rows[0]?.waiting ?? 0) >= writers || racing.settled) break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await holder.query('COMMIT');
    return await raced;
  } finally {
    await holder.end();
  }
}

/** The instance that serves the index-th of several requests: round robin, as a load balancer would. */
export function roundRobin<T>(items: readonly [T, ...T[]]): (index: number) => T {
  return (index) => items[index % items.length] ?? items[0];
}

/** A user with a login ID and e-mail address (the password hash is never checked by store tests). */
export async function someUser(storage: Storage, loginId: string, clock: () => number = () => 1_000): Promise<number> {
  const user = await new UserStore(storage, clock).create({
    loginId,
    email: `${loginId}@example.com`,
    displayName: loginId,
    passwordHash: 'not-a-hash',
    aliases: [],
  });
  return user.id;
}
