import { afterEach, describe, expect, it } from 'vitest';
import { SignInThrottle } from '../../../server/sessions/sign-in-throttle';
import { openDataDirDatabase } from '../../../server/storage/database';
import { sqliteStorage, type Storage } from '../../../server/storage/storage';
import { ENGINES } from '../../support/engines';

const LIMITS = { maxConsecutiveFailures: 10, lockoutSeconds: 15 * 60 };

describe.each(ENGINES)('SignInThrottle on $engine', (engine) => {
  afterEach(() => engine.cleanUp());

  /** PostgreSQL: three pools, as three server instances. SQLite: one connection per process. */
  async function instances(): Promise<Storage[]> {
    const location = await engine.fresh();
    const first = await engine.open(location);
    return engine.engine === 'sqlite' ? [first] : [first, await engine.open(location), await engine.open(location)];
  }

  it('ten wrong passwords arriving at once, spread over every instance, lock the account exactly once', async () => {
    const storages = await instances();
    const now = 1_000_000;
    const throttles = storages.map((storage) => new SignInThrottle(storage, () => now, LIMITS));
    const throttleOf = (index: number): SignInThrottle => {
      const throttle = throttles[index % throttles.length];
      if (!throttle) throw new Error('no throttle');
      return throttle;
    };
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, (_, index) => throttleOf(index).recordFailure('user:1')),
    );
    // Every failure was counted (none lost to a race), so the tenth locked, and only one of them did.
    expect(outcomes.filter((outcome) => outcome === LIMITS.lockoutSeconds)).toHaveLength(1);
    for (const throttle of throttles) expect(await throttle.lockedFor('user:1')).toBe(LIMITS.lockoutSeconds);
    // Another subject is untouched.
    expect(await throttles[0]?.lockedFor('user:2')).toBeUndefined();
  });

  it('a correct password does not clear a lock that parallel failures set while it was being verified', async () => {
    const [storage] = await instances();
    if (!storage) throw new Error('no storage');
    let now = 2_000_000;
    const throttle = new SignInThrottle(storage, () => now, LIMITS);
    // The right password's check began (not locked then) ...
    expect(await throttle.lockedFor('user:1')).toBeUndefined();
    // ... meanwhile ten wrong ones lock the account ...
    for (let index = 0; index < 10; index += 1) await throttle.recordFailure('user:1');
    // ... so when the right one finishes, it is refused and the lock stays.
    expect(await throttle.resetUnlessLocked('user:1')).toBe(LIMITS.lockoutSeconds);
    expect(await throttle.lockedFor('user:1')).toBe(LIMITS.lockoutSeconds);

    // Once the lock has run out, a right password clears the count, and the next failure starts at one.
    now += LIMITS.lockoutSeconds * 1000;
    expect(await throttle.resetUnlessLocked('user:1')).toBeUndefined();
    for (let index = 0; index < 9; index += 1) expect(await throttle.recordFailure('user:1')).toBeUndefined();
    expect(await throttle.recordFailure('user:1')).toBe(LIMITS.lockoutSeconds);
  });

  it('a lock that ran out starts a fresh count without a reset', async () => {
    const [storage] = await instances();
    if (!storage) throw new Error('no storage');
    let now = 3_000_000;
    const throttle = new SignInThrottle(storage, () => now, LIMITS);
    for (let index = 0; index < 10; index += 1) await throttle.recordFailure('unknown:nobody');
    now += LIMITS.lockoutSeconds * 1000;
    expect(await throttle.lockedFor('unknown:nobody')).toBeUndefined();
    for (let index = 0; index < 9; index += 1) expect(await throttle.recordFailure('unknown:nobody')).toBeUndefined();
    expect(await throttle.recordFailure('unknown:nobody')).toBe(LIMITS.lockoutSeconds);
  });
});

describe('SignInThrottle.resetUnlessLocked racing a lock (SQLite)', () => {
  const [sqlite] = ENGINES.filter((engine) => engine.engine === 'sqlite');
  afterEach(() => sqlite?.cleanUp());

  it('a success clears a partial count, so the next failures start again at one', async () => {
    if (!sqlite) throw new Error('no SQLite engine');
    const storage = await sqlite.open(await sqlite.fresh());
    const throttle = new SignInThrottle(storage, () => 5_000_000, LIMITS);
    for (let index = 0; index < 9; index += 1) await throttle.recordFailure('user:1');
    expect(await throttle.resetUnlessLocked('user:1')).toBeUndefined();
    for (let index = 0; index < 9; index += 1) expect(await throttle.recordFailure('user:1')).toBeUndefined();
    expect(await throttle.recordFailure('user:1')).toBe(LIMITS.lockoutSeconds);
  });

  it('does not clear a lock committed between its read of the count and its delete', async () => {
    if (!sqlite) throw new Error('no SQLite engine');
    const location = await sqlite.fresh();
    if (location.engine !== 'sqlite') throw new Error('not SQLite');
    const seeded = await sqlite.open(location); // migrated
    const now = 6_000_000;
    await new SignInThrottle(seeded, () => now, LIMITS).recordFailure('user:1'); // one failure counted
    // A second connection whose query log lets the test act at the exact moment the reset has read the
    // (unlocked) count: another attempt's failures lock the subject right then, committed.
    const db = openDataDirDatabase(location.dataDir);
    let armed = false;
    const storage = sqliteStorage(db, {
      onQuery: (text) => {
        if (!armed || !text.startsWith('select "locked_until" from "sign_in_failures"')) return;
        armed = false;
        db.prepare('UPDATE sign_in_failures SET failures = 0, locked_until = ? WHERE subject = ?').run(
          now + LIMITS.lockoutSeconds * 1000,
          'user:1',
        );
      },
    });
    try {
      const throttle = new SignInThrottle(storage, () => now, LIMITS);
      armed = true;
      expect(await throttle.resetUnlessLocked('user:1')).toBe(LIMITS.lockoutSeconds);
      expect(armed).toBe(false); // the lock really went in between
      expect(await throttle.lockedFor('user:1')).toBe(LIMITS.lockoutSeconds);
    } finally {
      await storage.close();
    }
  });
});
