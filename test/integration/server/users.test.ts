import { describe, expect, it } from 'vitest';
import { openTestStorage } from '../../support/stored-data';
import { KeywayError } from '../../../protocol/errors';
import { UserStore, type NewUserRecord } from '../../../server/users/user-store';
import { forEachEngine } from '../../support/engines';
import { ANA, startServerWithAna, startTestServer } from './server-fixture';
import { gatheredAtWrites, instancesOn, roundRobin } from './store-fixture';

const RECORD: NewUserRecord = { loginId: '', email: '', displayName: 'Someone', passwordHash: 'hash', aliases: [] };

async function rejection(promise: Promise<unknown>): Promise<KeywayError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof KeywayError)) throw new Error(`Expected a KeywayError, got ${String(error)}`);
  return error;
}

const bob = { loginId: 'bob', email: 'bob@example.com', displayName: 'Bob Example', sendWelcomeEmail: false };

describe('users and password rules', () => {
  it('refuses short, common and self-referencing passwords with the reason', async () => {
    const { server } = await startTestServer();
    const cases: [string, RegExp][] = [
      ['short', /at least 8 characters/],
      ['password1', /commonly used/],
      ['Qwerty123', /commonly used/],
      ['bob@example.com', /same as the login ID/],
      ['BOB@EXAMPLE.COM', /same as the login ID/],
      ['keyway', /at least 8/],
      ['12345678', /commonly used|sequence/],
      ['zzzzzzzzzzzz', /repeated/],
      ['x'.repeat(257), /at most 256/],
    ];
    for (const [password, reason] of cases) {
      const error = await rejection(server.admin.createUser({ ...bob, password }));
      expect(error.code, password).toBe('password_rejected');
      expect(error.message, password).toMatch(reason);
    }
    expect(await server.admin.listUsers()).toEqual([]);
  });

  it('refuses a password equal to the login ID when it is long enough to pass otherwise', async () => {
    const { server } = await startTestServer();
    const error = await rejection(
      server.admin.createUser({ ...bob, loginId: 'robert.example', password: 'Robert.Example' }),
    );
    expect(error.code).toBe('password_rejected');
  });

  it('accepts a long passphrase with no composition rules, and hashes it with argon2id', async () => {
    const { server, dataDir } = await startTestServer();
    const created = await server.admin.createUser({ ...bob, password: 'purple elephants dance at midnight' });
    expect(created.passwordGenerated).toBe(false);
    await server.close();
    const storage = await openTestStorage({ dataDir });
    const row = await storage.q().selectFrom('users').select('password_hash').executeTakeFirst();
    expect(row?.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it('keeps login IDs, e-mail addresses and aliases unique, ignoring case', async () => {
    const { server } = await startServerWithAna();
    for (const clash of [
      { loginId: 'ANA' },
      { email: 'Ana@Example.com' },
      { loginId: 'ana@corp.onmicrosoft.com' },
      { aliases: ['ana@example.com'] },
    ]) {
      const error = await rejection(server.admin.createUser({ ...bob, ...clash }));
      expect(error.code).toBe('invalid_input');
      expect(error.message).toMatch(/already used by user "ana"/);
    }
    expect((await server.admin.listUsers()).map((user) => user.loginId)).toEqual([ANA.loginId]);
  });

  it('refuses invalid fields with a message naming them', async () => {
    const { server } = await startTestServer();
    const badEmail = await rejection(server.admin.createUser({ ...bob, email: 'not-an-address' }));
    expect(badEmail.message).toMatch(/e-mail address/);
    const badLogin = await rejection(server.admin.createUser({ ...bob, loginId: 'has space' }));
    expect(badLogin.message).toMatch(/login ID/);
  });

  it('generates a strong initial password when none is given', async () => {
    const { server } = await startTestServer();
    const created = await server.admin.createUser(bob);
    expect(created.passwordGenerated).toBe(true);
    expect(created.password).toMatch(/^([0-9a-z]{4}-){5}[0-9a-z]{4}$/);
    const response = await fetch(`${server.origin}/api/v1/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ loginId: 'bob', password: created.password }),
    });
    expect(response.status).toBe(200);
  });
});

forEachEngine('UserStore', (open, engine) => {
  const clock = () => 5_000;

  it('refuses a creation whose last alias is taken (any case), keeping none of its names', async () => {
    const storage = await open();
    const users = new UserStore(storage, clock);
    await users.create({ ...RECORD, loginId: 'ana', email: 'ana@example.com', aliases: ['a.n@corp.example'] });
    const clash = await users
      .create({
        ...RECORD,
        loginId: 'bob',
        email: 'bob@example.com',
        aliases: ['bobby@example.com', 'A.N@Corp.Example'],
      })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(clash).toBeInstanceOf(KeywayError);
    expect((clash as KeywayError).code).toBe('invalid_input');
    expect((clash as KeywayError).message).toBe('The alias "A.N@Corp.Example" is already used by user "ana".');
    // Neither the user row nor its first names were kept.
    expect(await users.findByName('bob')).toBeUndefined();
    expect(await users.findByName('bobby@example.com')).toBeUndefined();
    const rows = await storage.q().selectFrom('users').select('login_id').execute();
    expect(rows.map((row) => row.login_id)).toEqual(['ana']);
  });

  it('finds a user by any name in any case, with aliases and phone, and lists users by login ID', async () => {
    const users = new UserStore(await open(), clock);
    const zed = await users.create({ ...RECORD, loginId: 'Zed', email: 'zed@example.com', aliases: [] });
    const ana = await users.create({
      ...RECORD,
      loginId: 'ana',
      email: 'ana@example.com',
      aliases: ['ana@corp.example', 'a@b.example'],
      phone: '+447700900123',
    });
    expect(ana).toMatchObject({ loginId: 'ana', aliases: ['a@b.example', 'ana@corp.example'], phone: '+447700900123' });
    expect(await users.findByName('ANA@CORP.EXAMPLE')).toEqual(ana);
    expect(await users.findById(zed.id)).toEqual(zed);
    expect((await users.list()).map((user) => user.loginId)).toEqual(['ana', 'Zed']);

    await users.setPasswordHash(ana.id, 'new-hash');
    await users.setPhone(ana.id, undefined);
    await users.setSignInMethod(ana.id, 'oidc');
    expect(await users.findByName('ana')).toMatchObject({
      passwordHash: 'new-hash',
      phone: undefined,
      signInMethod: 'oidc',
    });
  });

  it('keeps an admin’s lock with its time and note, by any lookup, until it is lifted', async () => {
    const users = new UserStore(await open(), clock);
    const ana = await users.create({ ...RECORD, loginId: 'ana', email: 'ana@example.com', aliases: ['a@b.example'] });
    expect(ana.lock).toBeUndefined();
    await users.setLock(ana.id, { reason: 'On leave' });
    const locked = { at: 5_000, reason: 'On leave' };
    expect((await users.findByName('a@b.example'))?.lock).toEqual(locked);
    expect((await users.findById(ana.id))?.lock).toEqual(locked);
    expect((await users.list())[0]?.lock).toEqual(locked);
    await users.setLock(ana.id, { reason: undefined });
    expect((await users.findByName('ana'))?.lock).toEqual({ at: 5_000, reason: undefined });
    await users.setLock(ana.id, undefined);
    expect((await users.findByName('ana'))?.lock).toBeUndefined();
  });

  it('of concurrent creations claiming one name (several instances), exactly one succeeds; the others name the owner', async () => {
    const instances = await instancesOn(engine);
    const storeOf = roundRobin(
      instances.map((storage) => new UserStore(storage, clock)) as [UserStore, ...UserStore[]],
    );
    // Every creation has checked the names before any inserts (gatheredAtWrites).
    const outcomes = await gatheredAtWrites(instances[0], 'users', 8, () =>
      Promise.allSettled(
        Array.from({ length: 8 }, (_, index) =>
          storeOf(index).create({
            ...RECORD,
            loginId: `user-${index}`,
            email: `user-${index}@example.com`,
            // Every creation also claims one shared alias, spelt differently each time.
            aliases: [index % 2 === 0 ? 'shared@example.com' : 'SHARED@example.com'],
          }),
        ),
      ),
    );
    const created = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
    expect(created).toHaveLength(1);
    const owner = created[0]?.loginId;
    for (const outcome of outcomes) {
      if (outcome.status === 'fulfilled') continue;
      expect(outcome.reason).toBeInstanceOf(KeywayError);
      expect((outcome.reason as KeywayError).message).toMatch(new RegExp(`already used by user "${owner}"\\.$`));
    }
    // No half-created user of a loser is left.
    const rows = await instances[0].q().selectFrom('users').select('login_id').execute();
    expect(rows.map((row) => row.login_id)).toEqual([owner]);
  });
});
