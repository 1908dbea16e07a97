import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SessionTokens } from '../../../protocol/api';
import { DEFAULT_LIMITS } from '../../../server/config';
import { DEFAULT_LICENSE } from '../../../server/index';
import { NO_CODE_DELIVERY } from '../../../server/mfa/delivery';
import { SecretBox } from '../../../server/mfa/secret-box';
import { createServices, type Services } from '../../../server/services';
import type { DatabaseLocation } from '../../../server/storage/database';
import type { Storage } from '../../../server/storage/storage';
import type { UserRecord } from '../../../server/users/user-store';
import { hashPassword } from '../../../server/users/password-hash';
import { ENGINES } from '../../support/engines';

/**
 * Issue 16: a refresh reads the user with its aliases in the rotation's own statement on PostgreSQL
 * (session-store.ts rotateInOneStatement), inside its transaction on SQLite. What the answer carries and
 * whom it refuses must not change with it: the user's profile as pushed NOW (not as at the sign-in), a
 * profile reached only through an alias (the aliases come with that read), the newest license, and no
 * tokens for a user locked after signing in, even when the lock's sign-out missed the session.
 */
describe.each(ENGINES)('a refresh answers from the user as stored now, on $engine', (engine) => {
  const PASSWORD = 'a perfectly fine passphrase 42';
  let keyDir: string;
  let location: DatabaseLocation;
  let storage: Storage;
  let services: Services;
  let ana: UserRecord;

  beforeEach(async () => {
    keyDir = mkdtempSync(path.join(os.tmpdir(), 'keyway-refresh-answer-'));
    location = await engine.fresh();
    storage = await engine.open(location);
    const identity = { name: 'Refresh', origin: 'https://id.example', license: DEFAULT_LICENSE };
    services = createServices(storage, identity, Date.now, DEFAULT_LIMITS, {
      dataDir: keyDir,
      box: SecretBox.inDataDir(keyDir),
      delivery: NO_CODE_DELIVERY,
    });
    ana = await services.users.create({
      loginId: 'ana',
      email: 'ana@example.com',
      displayName: 'Ana',
      passwordHash: await hashPassword(PASSWORD),
      // Only this alias is in the profile's domain below.
      aliases: ['ana@corp.example'],
    });
  });

  afterEach(async () => {
    await storage.close();
    await engine.cleanUp();
    rmSync(keyDir, { recursive: true, force: true });
  });

  async function signIn(): Promise<SessionTokens> {
    const result = await services.sessions.signIn({ loginId: 'ana', password: PASSWORD });
    if (!('refreshToken' in result)) throw new Error('Expected tokens, not a second step.');
    return result;
  }

  it("carries the profile pushed since the last answer (reached through an alias's domain) and the newest license", async () => {
    await services.profiles.create('Corp', { language: 'fr' });
    await services.profiles.assignDomain('Corp', 'corp.example');
    const first = await services.profiles.push('Corp');
    const signedIn = await signIn();
    expect(signedIn).toMatchObject({
      config: { profile: 'Corp', version: first.version, settings: { language: 'fr' } },
    });

    // Pushed and published after the sign-in: the refresh must not answer what the sign-in saw.
    await services.profiles.edit('Corp', { language: 'de' });
    const second = await services.profiles.push('Corp');
    expect(second.version).not.toBe(first.version);
    await services.licenses.publish('2026-07', 'New terms.');
    const refreshed = await services.sessions.refresh(signedIn.refreshToken);
    expect(refreshed).toMatchObject({
      user: { loginId: 'ana', email: 'ana@example.com', displayName: 'Ana' },
      license: { version: '2026-07' },
      config: { profile: 'Corp', version: second.version, settings: { language: 'de' } },
    });
    // The profile came through the alias: without it, none applies.
    await services.profiles.unassign({ domain: 'corp.example' });
    const plain = await services.sessions.refresh(refreshed.refreshToken);
    expect(plain).toMatchObject({ config: null });
  });

  it('attack: a user locked after signing in, whose session escaped the sign-out, gets no tokens and the session ends', async () => {
    const signedIn = await signIn();
    // The lock alone, as if the sign-out that AdminService.lockUser makes with it had missed this family.
    await services.users.setLock(ana.id, { reason: 'Laptop stolen' });
    await expect(services.sessions.refresh(signedIn.refreshToken)).rejects.toMatchObject({
      code: 'account_locked_by_admin',
    });
    // Unlocked, the session stays ended: its family was revoked with the refusal, so the rotation that
    // refusal made is worth nothing, and the old token is a replay.
    await services.users.setLock(ana.id, undefined);
    await expect(services.sessions.me(`Bearer ${signedIn.accessToken}`)).rejects.toMatchObject({
      code: 'unauthorized',
    });
    await expect(services.sessions.refresh(signedIn.refreshToken)).rejects.toMatchObject({ code: 'session_invalid' });
  });

  it('attack: a deleted user gets no tokens from a refresh token issued before', async () => {
    const signedIn = await signIn();
    await storage.q().deleteFrom('users').where('id', '=', ana.id).execute();
    await expect(services.sessions.refresh(signedIn.refreshToken)).rejects.toMatchObject({ code: 'session_invalid' });
  });

  it('a rotation answers working tokens once: the old token a second time is a replay that ends the family', async () => {
    const signedIn = await signIn();
    const rotated = await services.sessions.refresh(signedIn.refreshToken);
    await expect(services.sessions.me(`Bearer ${rotated.accessToken}`)).resolves.toMatchObject({
      user: { loginId: 'ana' },
    });
    await expect(services.sessions.refresh(signedIn.refreshToken)).rejects.toMatchObject({ code: 'session_invalid' });
    // Reuse detection: the successor dies with its family.
    await expect(services.sessions.refresh(rotated.refreshToken)).rejects.toMatchObject({ code: 'session_invalid' });
    await expect(services.sessions.me(`Bearer ${rotated.accessToken}`)).rejects.toMatchObject({ code: 'unauthorized' });
  });
});
