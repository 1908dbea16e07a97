import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteAdapter } from '../../../server/oidc/adapter';
import { loadOidcSecrets } from '../../../server/oidc/keys';
import { openDatabase, type Db } from '../../../server/storage/database';

let dir: string;
let db: Db;
let now: number;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'keyway-unit-oidc-'));
  db = openDatabase(dir);
  now = 1_700_000_000_000;
});

afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const adapter = (model: string) => new SqliteAdapter(db, model, () => now);

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
  it('are generated once and read back unchanged', () => {
    const first = loadOidcSecrets(db);
    expect(first.signingKeys).toHaveLength(1);
    expect(first.signingKeys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect(first.signingKeys[0]?.d).toEqual(expect.any(String));
    expect(first.cookieKeys).toHaveLength(1);
    expect(first.csrfKey).toHaveLength(32);

    const again = openDatabase(dir);
    try {
      expect(loadOidcSecrets(again)).toEqual(first);
    } finally {
      again.close();
    }
  });
});
