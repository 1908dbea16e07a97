import type { Storage } from '../../../server/storage/storage';
import { UserStore } from '../../../server/users/user-store';
import type { EngineUnderTest } from '../../support/engines';

/**
 * One new database seen as server instances see it. PostgreSQL: three storages with their own pools,
 * as three instances would have. SQLite: one connection per process (storage-engines.test.ts), so one.
 * Every storage is closed and the database removed by the engine's cleanUp (forEachEngine).
 */
export async function instancesOn(engine: EngineUnderTest): Promise<[Storage, ...Storage[]]> {
  const location = await engine.fresh();
  const first = await engine.open(location);
  if (engine.engine === 'sqlite') return [first];
  return [first, await engine.open(location), await engine.open(location)];
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
