import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SecretBox } from '../../../server/mfa/secret-box';
import { SqliteAdapter } from '../../../server/oidc/adapter';
import { loadOidcSecrets } from '../../../server/oidc/keys';
import { openSqliteDataDir, type Db } from '../../../server/storage/database';

let dir: string;
let db: Db;
let now: number;

beforeEach(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'keyway-unit-oidc-'));
  db = await openSqliteDataDir(dir);
  now = 1_700_000_000_000;
});

afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const adapter = (model: string) => new SqliteAdapter(db, model, SecretBox.inDataDir(dir), () => now);

describe('SqliteAdapter (oidc-provider storage)', () => {
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
    expect(db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM oidc_payloads').get()?.n).toBe(1);
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
  it('are sealed in the database: a copy without the key file holds no private key or cookie secret', () => {
    const secrets = loadOidcSecrets(db, SecretBox.inDataDir(dir));
    const dump = JSON.stringify(db.prepare('SELECT * FROM oidc_keys').all());
    expect(dump).not.toContain(String(secrets.signingKeys[0]?.d));
    expect(dump).not.toContain(String(secrets.cookieKeys[0]));
    expect(dump).not.toContain(secrets.csrfKey.toString('base64url'));
  });

  it('seals keys stored in plaintext by an older server, and keeps them', () => {
    const legacy = 'legacy-cookie-secret-0123456789abcdefghijklmn';
    db.prepare("INSERT INTO oidc_keys (kid, kind, material, created_at) VALUES ('cookie-old', 'cookie', ?, 1)").run(
      legacy,
    );
    expect(loadOidcSecrets(db, SecretBox.inDataDir(dir)).cookieKeys).toEqual([legacy]);
    expect(JSON.stringify(db.prepare('SELECT * FROM oidc_keys').all())).not.toContain(legacy);
    expect(loadOidcSecrets(db, SecretBox.inDataDir(dir)).cookieKeys).toEqual([legacy]);
  });

  it('are generated once and read back unchanged', async () => {
    const first = loadOidcSecrets(db, SecretBox.inDataDir(dir));
    expect(first.signingKeys).toHaveLength(1);
    expect(first.signingKeys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect(first.signingKeys[0]?.d).toEqual(expect.any(String));
    expect(first.cookieKeys).toHaveLength(1);
    expect(first.csrfKey).toHaveLength(32);

    const again = await openSqliteDataDir(dir);
    try {
      expect(loadOidcSecrets(again, SecretBox.inDataDir(dir))).toEqual(first);
    } finally {
      again.close();
    }
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
    const dump = JSON.stringify(db.prepare('SELECT * FROM oidc_payloads').all());
    expect(dump).not.toContain(token);
    expect(dump).not.toContain(cookie);
    // The provider still finds both by the value it holds, with their own id back in the payload.
    expect(await adapter('RefreshToken').find(token)).toMatchObject({ jti: token, accountId: '7' });
    expect(await adapter('Session').findByUid('u1')).toMatchObject({ jti: cookie });
    // Another key file (a stolen database without it) cannot open the sealed id.
    const other = mkdtempSync(path.join(os.tmpdir(), 'keyway-unit-oidc-other-'));
    try {
      await expect(async () =>
        new SqliteAdapter(db, 'Session', SecretBox.inDataDir(other), () => now).findByUid('u1'),
      ).rejects.toThrow();
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('keeps the account of every row in an indexed account_id column (for "sign out everywhere")', async () => {
    await adapter('Grant').upsert('g1', { jti: 'g1', accountId: '7', kind: 'Grant' }, 60);
    await adapter('Interaction').upsert('i1', { jti: 'i1', kind: 'Interaction' }, 60);
    const rows = db
      .prepare<[], { model: string; account_id: string | null }>(
        'SELECT model, account_id FROM oidc_payloads ORDER BY model',
      )
      .all();
    expect(rows).toEqual([
      { model: 'Grant', account_id: '7' },
      { model: 'Interaction', account_id: null },
    ]);
    const plan = JSON.stringify(
      db.prepare("EXPLAIN QUERY PLAN SELECT * FROM oidc_payloads WHERE account_id = '7'").all(),
    );
    expect(plan).toContain('oidc_payloads_by_account');
  });

  it('moves rows stored before hashing: they keep working and stop holding the plaintext token', async () => {
    const token = 'legacy-refresh-token-0123456789abcdefghijkl';
    // As schema 5 stored it: the token as the row id and in the payload.
    db.prepare(
      `INSERT INTO oidc_payloads (model, id, payload, grant_id, expires_at) VALUES ('RefreshToken', ?, ?, 'g1', ?)`,
    ).run(token, JSON.stringify({ jti: token, grantId: 'g1', accountId: '7' }), now + 60_000);
    SqliteAdapter.migrateLegacyRows(db, SecretBox.inDataDir(dir));
    SqliteAdapter.migrateLegacyRows(db, SecretBox.inDataDir(dir));
    expect(JSON.stringify(db.prepare('SELECT * FROM oidc_payloads').all())).not.toContain(token);
    expect(await adapter('RefreshToken').find(token)).toMatchObject({ jti: token, accountId: '7' });
  });
});
