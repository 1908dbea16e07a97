import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../../server/config';
import { DEFAULT_LICENSE } from '../../../server/index';
import { NO_CODE_DELIVERY } from '../../../server/mfa/delivery';
import { PasskeyStore } from '../../../server/mfa/passkey-store';
import { SecretBox } from '../../../server/mfa/secret-box';
import { createServices, type Services } from '../../../server/services';
import type { Storage } from '../../../server/storage/storage';
import { hashPassword } from '../../../server/users/password-hash';
import { ENGINES } from '../../support/engines';

/**
 * Issue 16: a password sign-in reads the lock-out pre-check with the user (user-store.ts
 * findByNameWithLock) and the MFA policy with the user's authenticator and passkey (policy.ts
 * forUserWithFactors), one statement each instead of two and three (sign-in-commits.test.ts counts
 * them). What the folded reads must still decide, through the real service on both engines: a lock seen
 * in the lookup refuses (for a known account and for a name no one has), a lock set while the password
 * was being verified is still caught inside the success transaction, and each factor alone opts a user
 * in to the second step.
 */
describe.each(ENGINES)('the folded sign-in reads on $engine', (engine) => {
  const PASSWORD = 'a perfectly fine passphrase 42';
  let keyDir: string;
  let storage: Storage;
  let services: Services;
  let userId: number;

  beforeEach(async () => {
    keyDir = mkdtempSync(path.join(os.tmpdir(), 'keyway-folded-'));
    storage = await engine.open(await engine.fresh());
    const identity = { name: 'Folded', origin: 'https://id.example', license: DEFAULT_LICENSE };
    services = createServices(storage, identity, Date.now, DEFAULT_LIMITS, {
      dataDir: keyDir,
      box: SecretBox.inDataDir(keyDir),
      delivery: NO_CODE_DELIVERY,
    });
    userId = (
      await services.users.create({
        loginId: 'ana',
        email: 'ana@example.com',
        displayName: 'Ana',
        passwordHash: await hashPassword(PASSWORD),
        aliases: ['ana.alias@example.com'],
      })
    ).id;
  });

  afterEach(async () => {
    await engine.cleanUp();
    rmSync(keyDir, { recursive: true, force: true });
  });

  const signIn = (password: string, loginId = 'ana') => services.sessions.signIn({ loginId, password });

  async function failUntilLocked(loginId: string): Promise<void> {
    for (let attempt = 1; attempt < DEFAULT_LIMITS.maxConsecutiveFailures; attempt += 1) {
      await expect(signIn('not the password', loginId)).rejects.toMatchObject({ code: 'invalid_credentials' });
    }
    await expect(signIn('not the password', loginId)).rejects.toMatchObject({ code: 'account_locked' });
  }

  it('attack: a locked account answers account_locked to a wrong password, without counting it', async () => {
    await failUntilLocked('ana');
    // Refused by the pre-check read with the user: a wrong password during the lock is neither counted
    // (it would restart the count on the locked row) nor told apart from a right one.
    await expect(signIn('still not it')).rejects.toMatchObject({ code: 'account_locked' });
    await expect(signIn(PASSWORD)).rejects.toMatchObject({ code: 'account_locked' });
    // Signing in by an alias reaches the same account's lock.
    await expect(signIn('still not it', 'ana.alias@example.com')).rejects.toMatchObject({ code: 'account_locked' });
    const [row] = await storage.q().selectFrom('sign_in_failures').selectAll().execute();
    expect(row).toMatchObject({ subject: `user:${userId}`, failures: 0 });
  });

  it('attack: a name no one has is locked like an account, and answers as one does', async () => {
    await failUntilLocked('nobody@example.com');
    await expect(signIn('anything at all', 'nobody@example.com')).rejects.toMatchObject({ code: 'account_locked' });
    // The account itself is not locked by a stranger's name.
    await expect(signIn(PASSWORD)).resolves.toHaveProperty('refreshToken');
  });

  it('attack: failures that lock the account while a right password is being verified still refuse it', async () => {
    // The pre-check (read with the user) has passed when the sign-in method is asked, which is before the
    // password's verify and the success transaction; this is where parallel wrong passwords land.
    const policy = services.signInPolicy;
    const kindForUser = policy.kindForUser.bind(policy);
    let raced = false;
    policy.kindForUser = async (...args) => {
      if (!raced) {
        raced = true;
        for (let attempt = 0; attempt < DEFAULT_LIMITS.maxConsecutiveFailures; attempt += 1) {
          await expect(signIn('not the password')).rejects.toThrow();
        }
      }
      return kindForUser(...args);
    };
    await expect(signIn(PASSWORD)).rejects.toMatchObject({ code: 'account_locked' });
    expect(raced).toBe(true);
    // Nothing of the success was kept: no session, the lock stands.
    expect(await storage.q().selectFrom('session_families').select('id').execute()).toEqual([]);
    const [row] = await storage.q().selectFrom('sign_in_failures').select('locked_until').execute();
    expect(row?.locked_until).toBeGreaterThan(Date.now());
  });

  it('each factor alone opts a user in where the policy allows it: an authenticator, a passkey', async () => {
    await services.mfa.policy.update({ mode: 'optional', channels: ['totp', 'passkey'] });
    await expect(signIn(PASSWORD)).resolves.toHaveProperty('refreshToken');

    // A passkey and nothing else: the second step is asked, the passkey offered.
    await new PasskeyStore(storage, Date.now).add({
      userId,
      credentialId: 'Y3JlZGVudGlhbC1vZi1hbmE',
      publicKey: 'cHVibGljLWtleQ',
      counter: 0,
      transports: ['internal'],
      backupEligible: true,
      backedUp: true,
      aaguid: '00000000-0000-0000-0000-000000000000',
      name: 'Laptop',
    });
    const withPasskey = await signIn(PASSWORD);
    expect(withPasskey).toMatchObject({ status: 'mfa_required', enrollmentRequired: false });
    expect(withPasskey).toHaveProperty('channels', [
      { channel: 'totp', hint: '', available: false },
      { channel: 'passkey', hint: '', available: true },
    ]);

    // A confirmed authenticator and nothing else.
    await storage.q().deleteFrom('passkeys').execute();
    const { authenticator } = await services.mfa.authenticators.createPending(userId, Date.now() + 60_000);
    await services.mfa.authenticators.confirm(authenticator.id, 'Phone');
    const withAuthenticator = await signIn(PASSWORD);
    expect(withAuthenticator).toHaveProperty('status', 'mfa_required');
    expect(withAuthenticator).toHaveProperty('channels', [
      { channel: 'totp', hint: '', available: true },
      { channel: 'passkey', hint: '', available: false },
    ]);
  });
});
