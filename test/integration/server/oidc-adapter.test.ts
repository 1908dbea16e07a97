import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SecretBox } from '../../../server/mfa/secret-box';
import { DatabaseAdapter } from '../../../server/oidc/adapter';
import { loadOidcSecrets } from '../../../server/oidc/keys';
import type { DatabaseLocation } from '../../../server/storage/database';
import type { Storage } from '../../../server/storage/storage';
import { ENGINES } from '../../support/engines';
import { planOf } from '../../support/query-plan';

describe.each(ENGINES)('oidc-provider storage on $engine', (engine) => {
  let dir: string;
  let location: DatabaseLocation;
  let storage: Storage;
  let now: number;

  beforeEach(async () => {
    // The key file (SecretBox) lives in a data dir whichever engine holds the rows.
    dir = mkdtempSync(path.join(os.tmpdir(), 'keyway-oidc-'));
    location = await engine.fresh();
    storage = await engine.open(location);
    now = 1_700_000_000_000;
  });

  afterEach(async () => {
    await engine.cleanUp();
    rmSync(dir, { recursive: true, force: true });
  });

  const adapter = (model: string) => new DatabaseAdapter(storage, model, SecretBox.inDataDir(dir), () => now);
  const all = (table: 'oidc_payloads' | 'oidc_keys') => storage.q().selectFrom(table).selectAll().execute();

  describe('the adapter', () => {
    it('stores payloads per model until they expire', async () => {
      const sessions = adapter('Session');
      await sessions.upsert('s1', { jti: 's1', uid: 'u1', accountId: '7' }, 60);
      expect(await sessions.find('s1')).toEqual({ jti: 's1', uid: 'u1', accountId: '7' });
      expect(await sessions.findByUid('u1')).toEqual({ jti: 's1', uid: 'u1', accountId: '7' });
      // Same id, other model: a different row.
      expect(await adapter('Grant').find('s1')).toBeUndefined();

      await sessions.upsert('s1', { jti: 's1', uid: 'u2', accountId: '7' }, 60);
      expect(await sessions.findByUid('u1')).toBeUndefined();
      expect(await sessions.findByUid('u2')).toMatchObject({ accountId: '7' });

      now += 60_000;
      expect(await sessions.find('s1')).toBeUndefined();
      await sessions.upsert('s2', { jti: 's2' });
      expect(await all('oidc_payloads')).toHaveLength(1);
      expect(await sessions.find('s2')).toEqual({ jti: 's2' });
    });

    it('marks codes consumed and finds device codes by user code', async () => {
      const codes = adapter('AuthorizationCode');
      await codes.upsert('c1', { jti: 'c1', grantId: 'g1' }, 60);
      await codes.consume('c1');
      expect(await codes.find('c1')).toEqual({ jti: 'c1', grantId: 'g1', consumed: 1_700_000_000 });

      const devices = adapter('DeviceCode');
      await devices.upsert('d1', { jti: 'd1', userCode: 'BCDFGHJK', grantId: 'g2' }, 600);
      expect(await devices.findByUserCode('BCDFGHJK')).toMatchObject({ jti: 'd1' });
      await devices.destroy('d1');
      expect(await devices.findByUserCode('BCDFGHJK')).toBeUndefined();
    });

    it('revokes every token of a grant and nothing else', async () => {
      await adapter('AccessToken').upsert('a1', { jti: 'a1', grantId: 'g1' }, 600);
      await adapter('RefreshToken').upsert('r1', { jti: 'r1', grantId: 'g1' }, 600);
      await adapter('RefreshToken').upsert('r2', { jti: 'r2', grantId: 'g2' }, 600);
      // An interaction names its grant too, but is not the grant's to revoke.
      await adapter('Interaction').upsert('i1', { jti: 'i1', grantId: 'g1' }, 600);

      await adapter('RefreshToken').revokeByGrantId('g1');
      expect(await adapter('AccessToken').find('a1')).toBeUndefined();
      expect(await adapter('RefreshToken').find('r1')).toBeUndefined();
      expect(await adapter('RefreshToken').find('r2')).toBeDefined();
      expect(await adapter('Interaction').find('i1')).toBeDefined();
    });
  });

  describe('the provider keys', () => {
    it('are sealed in the database: a copy without the key file holds no private key or cookie secret', async () => {
      const secrets = await loadOidcSecrets(storage, SecretBox.inDataDir(dir));
      const dump = JSON.stringify(await all('oidc_keys'));
      expect(dump).not.toContain(String(secrets.signingKeys[0]?.d));
      expect(dump).not.toContain(String(secrets.cookieKeys[0]));
      expect(dump).not.toContain(secrets.csrfKey.toString('base64url'));
    });

    it('seals keys stored in plaintext by an older server, and keeps them', async () => {
      const legacy = 'legacy-cookie-secret-0123456789abcdefghijklmn';
      await storage
        .q()
        .insertInto('oidc_keys')
        .values({ kid: 'cookie-old', kind: 'cookie', material: legacy, created_at: 1 })
        .execute();
      expect((await loadOidcSecrets(storage, SecretBox.inDataDir(dir))).cookieKeys).toEqual([legacy]);
      expect(JSON.stringify(await all('oidc_keys'))).not.toContain(legacy);
      expect((await loadOidcSecrets(storage, SecretBox.inDataDir(dir))).cookieKeys).toEqual([legacy]);
    });

    it('are generated once and read back unchanged', async () => {
      const first = await loadOidcSecrets(storage, SecretBox.inDataDir(dir));
      expect(first.signingKeys).toHaveLength(1);
      expect(first.signingKeys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
      expect(first.signingKeys[0]?.d).toEqual(expect.any(String));
      expect(first.cookieKeys).toHaveLength(1);
      expect(first.csrfKey).toHaveLength(32);

      // Another connection (another instance, on PostgreSQL) reads the same keys.
      const again = await engine.open(location);
      expect(await loadOidcSecrets(again, SecretBox.inDataDir(dir))).toEqual(first);
    });

    it('a read of the database yields no usable refresh token or session cookie (ids hashed, jti sealed)', async () => {
      const token = 'rt-0123456789abcdefghijklmnopqrstuvwxyzABCDEF';
      const cookie = 'sess-0123456789abcdefghijklmnopqrstuvwxyzAB';
      await adapter('RefreshToken').upsert(
        token,
        { jti: token, grantId: 'g1', accountId: '7', kind: 'RefreshToken' },
        60,
      );
      await adapter('Session').upsert(cookie, { jti: cookie, uid: 'u1', accountId: '7', kind: 'Session' }, 60);
      const dump = JSON.stringify(await all('oidc_payloads'));
      expect(dump).not.toContain(token);
      expect(dump).not.toContain(cookie);
      // The provider still finds both by the value it holds, with their own id back in the payload.
      expect(await adapter('RefreshToken').find(token)).toMatchObject({ jti: token, accountId: '7' });
      expect(await adapter('Session').findByUid('u1')).toMatchObject({ jti: cookie });
      // Another key file (a stolen database without it) cannot open the sealed id.
      const other = mkdtempSync(path.join(os.tmpdir(), 'keyway-unit-oidc-other-'));
      try {
        await expect(async () =>
          new DatabaseAdapter(storage, 'Session', SecretBox.inDataDir(other), () => now).findByUid('u1'),
        ).rejects.toThrow();
      } finally {
        rmSync(other, { recursive: true, force: true });
      }
    });

    it('keeps the account of every row in an indexed account_id column (for "sign out everywhere")', async () => {
      await adapter('Grant').upsert('g1', { jti: 'g1', accountId: '7', kind: 'Grant' }, 60);
      await adapter('Interaction').upsert('i1', { jti: 'i1', kind: 'Interaction' }, 60);
      const rows = await storage
        .q()
        .selectFrom('oidc_payloads')
        .select(['model', 'account_id'])
        .orderBy('model')
        .execute();
      expect(rows).toEqual([
        { model: 'Grant', account_id: '7' },
        { model: 'Interaction', account_id: null },
      ]);
      expect(await planOf(storage, sql`SELECT * FROM oidc_payloads WHERE account_id = '7'`)).toContain(
        'oidc_payloads_by_account',
      );
    });

    it('moves rows stored before hashing: they keep working and stop holding the plaintext token', async () => {
      const token = 'legacy-refresh-token-0123456789abcdefghijkl';
      // As schema 5 stored it: the token as the row id and in the payload.
      await storage
        .q()
        .insertInto('oidc_payloads')
        .values({
          model: 'RefreshToken',
          id: token,
          payload: JSON.stringify({ jti: token, grantId: 'g1', accountId: '7' }),
          grant_id: 'g1',
          expires_at: now + 60_000,
          user_code: null,
          uid: null,
          consumed_at: null,
          account_id: null,
        })
        .execute();
      await DatabaseAdapter.migrateLegacyRows(storage, SecretBox.inDataDir(dir));
      await DatabaseAdapter.migrateLegacyRows(storage, SecretBox.inDataDir(dir));
      expect(JSON.stringify(await all('oidc_payloads'))).not.toContain(token);
      expect(await adapter('RefreshToken').find(token)).toMatchObject({ jti: token, accountId: '7' });
    });
  });
});
