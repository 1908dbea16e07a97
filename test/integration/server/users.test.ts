import { describe, expect, it } from 'vitest';
import { openSqlite } from '../../../server/storage/sqlite';
import path from 'node:path';
import { KeywayError } from '../../../protocol/errors';
import { ANA, startServerWithAna, startTestServer } from './server-fixture';

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
    const db = openSqlite(path.join(dataDir, 'keyway.sqlite'), { readonly: true });
    const row = db.prepare<[], { password_hash: string }>('SELECT password_hash FROM users').get();
    db.close();
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
