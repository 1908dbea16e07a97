import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../../server/config';
import { DEFAULT_LICENSE } from '../../../server/index';
import { NO_CODE_DELIVERY } from '../../../server/mfa/delivery';
import { SecretBox } from '../../../server/mfa/secret-box';
import { createServices, type Services } from '../../../server/services';
import { openDataDirDatabase, type DatabaseLocation } from '../../../server/storage/database';
import { postgresStorage, sqliteStorage, type Storage } from '../../../server/storage/storage';
import { hashPassword } from '../../../server/users/password-hash';
import { ENGINES } from '../../support/engines';

/**
 * Issue 16 (benchmarks): a password sign-in makes ONE durable commit of its own. On SQLite every commit
 * is an fsync that blocks the server's one event loop (test/bench/gap-causes.ts); when the audit log
 * came, a sign-in went from two commits of its own to three (the lock-out reset with sign-in.succeeded,
 * then the session), plus its per-source rate-limit count (shared by SQLite's group commit, not part
 * of the service). Counted through the storage's statement hook (every COMMIT Kysely sends), not by
 * time, so the figure does not depend on how busy the machine is. Each sign-in here runs alone, so
 * group commit cannot hide a second transaction by sharing it with another request.
 * On PostgreSQL the same count is the number of BEGIN … COMMIT round-trip pairs a sign-in pays.
 * The guarantees the one transaction must keep are checked with it: the session and its audit event are
 * committed when the answer comes (seen from a second connection), and they commit or roll back together.
 */
describe.each(ENGINES)('a password sign-in commits once on $engine', (engine) => {
  const PASSWORD = 'a perfectly fine passphrase 42';
  let keyDir: string;
  let location: DatabaseLocation;
  let storage: Storage;
  let services: Services;
  let statements: string[];
  let other: Storage;

  beforeEach(async () => {
    keyDir = mkdtempSync(path.join(os.tmpdir(), 'keyway-commits-'));
    location = await engine.fresh();
    other = await engine.open(location); // migrates; then serves as the second connection
    statements = [];
    const onQuery = (text: string) => void statements.push(text);
    storage =
      location.engine === 'sqlite'
        ? sqliteStorage(openDataDirDatabase(location.dataDir), { onQuery })
        : await postgresStorage(location.url, { onQuery });
    const identity = { name: 'Commits', origin: 'https://id.example', license: DEFAULT_LICENSE };
    services = createServices(storage, identity, Date.now, DEFAULT_LIMITS, {
      dataDir: keyDir,
      box: SecretBox.inDataDir(keyDir),
      delivery: NO_CODE_DELIVERY,
    });
    await services.users.create({
      loginId: 'ana',
      email: 'ana@example.com',
      displayName: 'Ana',
      passwordHash: await hashPassword(PASSWORD),
      aliases: [],
    });
  });

  afterEach(async () => {
    await storage.close();
    await engine.cleanUp();
    rmSync(keyDir, { recursive: true, force: true });
  });

  /** The COMMITs `work` sends, and what it returned. */
  async function commitsOf<T>(work: () => Promise<T>): Promise<{ commits: number; result: T }> {
    statements.length = 0;
    const result = await work();
    return { commits: statements.filter((text) => /^\s*commit\b/i.test(text)).length, result };
  }

  /** Committed rows, read through the second connection (it sees only what is committed). */
  async function committed() {
    const q = other.q();
    const families = await q.selectFrom('session_families').select('id').execute();
    const events = await q.selectFrom('audit_events').select(['type', 'reason']).orderBy('id').execute();
    const failures = await q.selectFrom('sign_in_failures').select('failures').execute();
    const challenges = await q.selectFrom('mfa_challenges').select('user_id').execute();
    return { families: families.length, events, failures, challenges: challenges.length };
  }

  it('a sign-in that gets tokens: one commit, with the session and sign-in.succeeded committed by the answer', async () => {
    // A wrong password first, so the success also has a lock-out count to clear.
    await expect(services.sessions.signIn({ loginId: 'ana', password: 'not the password' })).rejects.toThrow(
      /not correct/,
    );
    const { commits, result } = await commitsOf(() =>
      services.sessions.signIn({ loginId: 'ana', password: PASSWORD, installationId: 'installation-0123456789' }),
    );
    expect(result).toHaveProperty('refreshToken');
    expect(commits).toBe(1);
    // The session starts inside that transaction without a savepoint of its own (two round trips on
    // PostgreSQL for nothing: a failure fails the whole sign-in). SQLite's group commit names its own.
    expect(statements.filter((text) => /^\s*savepoint\b/i.test(text) && !text.includes('keyway_group'))).toEqual([]);
    expect(await committed()).toEqual({
      families: 1,
      events: [
        { type: 'sign-in.failed', reason: 'invalid_credentials' },
        { type: 'sign-in.succeeded', reason: null },
      ],
      failures: [],
      challenges: 0,
    });
  });

  it('a sign-in that must go on to a second factor: one commit, with its challenge', async () => {
    await services.mfa.policy.update({ mode: 'enforced' });
    const { commits, result } = await commitsOf(() =>
      services.sessions.signIn({ loginId: 'ana', password: PASSWORD, installationId: 'installation-0123456789' }),
    );
    expect(result).toHaveProperty('status', 'mfa_required');
    expect(commits).toBe(1);
    expect(await committed()).toMatchObject({ families: 0, challenges: 1 });
  });

  it("the answer's license and client settings: one lookup of the user's profile, one of the license", async () => {
    await services.profiles.create('Corp', { language: 'fr' });
    await services.profiles.assignDomain('Corp', 'example.com');
    const push = await services.profiles.push('Corp');
    await services.licenses.publish('2026-01', 'Terms.');
    const { result } = await commitsOf(() => services.sessions.signIn({ loginId: 'ana', password: PASSWORD }));
    expect(result).toMatchObject({
      license: { version: '2026-01' },
      config: { profile: 'Corp', version: push.version, settings: { language: 'fr' } },
    });
    // Before: the profile was resolved twice, each time with its user count and domains (up to nine
    // statements a sign-in and a refresh, one a COUNT over every user of the profile); then once per
    // decision it takes part in (the sign-in method, the MFA policy, the answer), three lookups and a read
    // of the user's login ID. Now once per sign-in, handed to the three (sessions/session-service.ts
    // UserProfiles); none counts users.
    const profileStatements = statements.filter((text) => /profile/i.test(text));
    expect(profileStatements).toHaveLength(1);
    expect(statements.filter((text) => /^\s*select "login_id" from "users"/i.test(text))).toEqual([]);
    expect(profileStatements.filter((text) => /count\s*\(/i.test(text))).toEqual([]);
    expect(statements.filter((text) => text.includes('"licenses"'))).toHaveLength(1);
    const refreshed = await commitsOf(() =>
      services.sessions.refresh((result as { refreshToken: string }).refreshToken),
    );
    // A refresh on PostgreSQL is one statement outside BEGIN … COMMIT (its own transaction: session-store.ts
    // rotateInOneStatement); on SQLite one transaction.
    expect(refreshed.commits).toBe(engine.engine === 'postgres' ? 0 : 1);
    expect(statements.filter((text) => /profile/i.test(text))).toHaveLength(1);
  });

  it('round trips: a password sign-in sends 11 statements to PostgreSQL (12 on SQLite), a refresh 3 (8)', async () => {
    // Every statement on PostgreSQL is a round trip to the database on the same cores as the hashing, the
    // main cost measured there (test/bench/gap-causes.ts). Counted as the bench's sign-in is made (no
    // installation id, no second factor), without the per-source rate-limit count the HTTP route adds,
    // and without SQLite's group-commit savepoints (group-commit.ts names them keyway_group; PostgreSQL
    // has none). Was 18 and 9 on both: the profile read three times with a read of the login ID (now
    // once, sessions/session-service.ts UserProfiles), a rotation's SELECT before its UPDATE (now the
    // UPDATE … RETURNING alone unless it marks nothing, session-store.ts rotate), and on PostgreSQL the
    // access and refresh token in two INSERTs (now one, session-store.ts store; SQLite has no INSERT in
    // WITH, and a statement there is no round trip). Then 14 (15): the lock-out pre-check is now read with
    // the user (user-store.ts findByNameWithLock; the success transaction still re-checks it), and the MFA
    // policy with the user's authenticator and passkey is one statement, not three (policy.ts
    // forUserWithFactors). A refresh on PostgreSQL was then 7: BEGIN, the UPDATE … RETURNING, the INSERT,
    // COMMIT, the user with its aliases, the profile, the license; now 3: the first five are one statement,
    // its own transaction (session-store.ts rotateInOneStatement).
    const [signIn, refresh] = engine.engine === 'postgres' ? [11, 3] : [12, 8];
    const own = () => statements.filter((text) => !text.includes('keyway_group'));
    const { result } = await commitsOf(() => services.sessions.signIn({ loginId: 'ana', password: PASSWORD }));
    expect(result).toHaveProperty('refreshToken');
    expect(own()).toHaveLength(signIn);
    const refreshed = await commitsOf(() =>
      services.sessions.refresh((result as { refreshToken: string }).refreshToken),
    );
    expect(refreshed.result).toHaveProperty('refreshToken');
    expect(own()).toHaveLength(refresh);
    // The tokens it answered work: the access token for /me, the refresh token for the next rotation.
    const tokens = refreshed.result;
    await expect(services.sessions.me(`Bearer ${tokens.accessToken}`)).resolves.toMatchObject({
      user: { loginId: 'ana' },
    });
    await expect(services.sessions.refresh(tokens.refreshToken)).resolves.toHaveProperty('refreshToken');
  });

  it('a wrong password: one commit, with its failure and its audit event', async () => {
    const { commits } = await commitsOf(() =>
      services.sessions.signIn({ loginId: 'ana', password: 'not the password' }).catch(() => 'refused'),
    );
    expect(commits).toBe(1);
    expect(await committed()).toMatchObject({
      families: 0,
      events: [{ type: 'sign-in.failed', reason: 'invalid_credentials' }],
      failures: [{ failures: 1 }],
    });
  });

  it('what follows a correct password and fails keeps nothing: no success recorded, the lock-out count kept', async () => {
    await expect(services.sessions.signIn({ loginId: 'ana', password: 'not the password' })).rejects.toThrow();
    const failure = new Error('the session could not start');
    await expect(
      services.sessions.authenticate('ana', PASSWORD, 'password-api', undefined, undefined, () =>
        Promise.reject(failure),
      ),
    ).rejects.toBe(failure);
    const after = await committed();
    expect(after.events.map((event) => event.type)).toEqual(['sign-in.failed']);
    expect(after.failures).toEqual([{ failures: 1 }]);
  });
});
