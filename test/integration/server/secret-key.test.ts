import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { MFA_KEY_FILE } from '../../../server/mfa/secret-box';
import { openSecretBox, SecretKeyError, type SecretKeyErrorCode } from '../../../server/mfa/secret-key';
import type { DatabaseLocation } from '../../../server/storage/database';
import { ENGINES, type EngineUnderTest } from '../../support/engines';

function engineUnderTest(name: 'sqlite' | 'postgres'): EngineUnderTest {
  const found = ENGINES.find((engine) => engine.engine === name);
  if (!found) throw new Error(`${name} is not under test.`);
  return found;
}
const postgres = engineUnderTest('postgres');
const sqlite = engineUnderTest('sqlite');

const dataDirs: string[] = [];
/** A data dir of its own, as each instance of a scale-out has. */
function dataDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'keyway-instance-'));
  dataDirs.push(dir);
  return dir;
}

afterAll(async () => {
  await Promise.all([postgres.cleanUp(), sqlite.cleanUp()]);
  for (const dir of dataDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** An instance's box: its own data dir and its own connection to the shared database. */
async function instanceBox(location: DatabaseLocation, secretKey?: string) {
  const storage = await postgres.open(location);
  const dir = dataDir();
  return { box: await openSecretBox(storage, { dataDir: dir, secretKey }), dir };
}

async function refusal(promise: Promise<unknown>): Promise<SecretKeyError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(SecretKeyError);
  return error as SecretKeyError;
}

function expectCode(error: SecretKeyError, code: SecretKeyErrorCode): void {
  expect(error.code).toBe(code);
  expect(error.message).toContain('KEYWAY_SECRET_KEY');
}

describe('the MFA master key on PostgreSQL (server/mfa/secret-key.ts)', () => {
  it('without KEYWAY_SECRET_KEY, instances with different data dirs open each other’s secrets', async () => {
    const location = await postgres.fresh();
    const a = await instanceBox(location);
    const b = await instanceBox(location);
    expect(b.box.open(a.box.seal('JBSWY3DPEHPK3PXP', 'authenticator-1'), 'authenticator-1')).toBe('JBSWY3DPEHPK3PXP');
    expect(a.box.open(b.box.seal('otp-secret', 'row-2'), 'row-2')).toBe('otp-secret');
    expect(b.box.codeMatches('123456', 'challenge-1', a.box.codeMac('123456', 'challenge-1'))).toBe(true);
    // Nothing was written to either data dir: on PostgreSQL the key does not live there.
    expect(existsSync(path.join(a.dir, MFA_KEY_FILE))).toBe(false);
    expect(existsSync(path.join(b.dir, MFA_KEY_FILE))).toBe(false);
  });

  it('instances starting at the same moment agree on one key', async () => {
    const location = await postgres.fresh();
    const boxes = await Promise.all(Array.from({ length: 6 }, () => instanceBox(location)));
    const [first] = boxes;
    if (!first) throw new Error('No instance started.');
    const sealed = first.box.seal('shared', 'ctx');
    for (const { box } of boxes) expect(box.open(sealed, 'ctx')).toBe('shared');
  });

  it('with KEYWAY_SECRET_KEY, the key comes from it and is never stored in the database', async () => {
    const location = await postgres.fresh();
    const key = randomBytes(32);
    const a = await instanceBox(location, key.toString('base64'));
    // The same key in the URL alphabet without padding is the same key.
    const b = await instanceBox(location, key.toString('base64url'));
    expect(b.box.open(a.box.seal('secret', 'ctx'), 'ctx')).toBe('secret');
    const storage = await postgres.open(location);
    const rows = await storage.q().selectFrom('server_secrets').selectAll().execute();
    expect(rows.map((row) => row.name)).toEqual(['mfa_key_check']);
    expect(JSON.stringify(rows)).not.toContain(key.toString('base64'));
    expect(JSON.stringify(rows)).not.toContain(key.toString('base64url'));
  });

  it.each([
    ['not base64', 'this is not a key!'],
    ['31 bytes', randomBytes(31).toString('base64')],
    ['33 bytes', randomBytes(33).toString('base64')],
  ])('refuses a KEYWAY_SECRET_KEY that is %s, naming the variable and not the value', async (_what, value) => {
    const location = await postgres.fresh();
    const error = await refusal(instanceBox(location, value));
    expectCode(error, 'secret_key_invalid');
    expect(error.message).not.toContain(value);
  });

  it('refuses an instance whose KEYWAY_SECRET_KEY differs from the other instances’', async () => {
    const location = await postgres.fresh();
    await instanceBox(location, randomBytes(32).toString('base64'));
    expectCode(await refusal(instanceBox(location, randomBytes(32).toString('base64'))), 'secret_key_mismatch');
  });

  it('refuses an instance without KEYWAY_SECRET_KEY where the others have it, and the reverse', async () => {
    const withKey = await postgres.fresh();
    await instanceBox(withKey, randomBytes(32).toString('base64'));
    expectCode(await refusal(instanceBox(withKey)), 'secret_key_mismatch');

    const stored = await postgres.fresh();
    await instanceBox(stored);
    expectCode(await refusal(instanceBox(stored, randomBytes(32).toString('base64'))), 'secret_key_mismatch');
  });

  it('accepts the stored key given as KEYWAY_SECRET_KEY (moving the key out of the database)', async () => {
    const location = await postgres.fresh();
    const first = await instanceBox(location);
    const storage = await postgres.open(location);
    const row = await storage
      .q()
      .selectFrom('server_secrets')
      .select('value')
      .where('name', '=', 'mfa_master_key')
      .executeTakeFirstOrThrow();
    const moved = await instanceBox(location, row.value);
    expect(moved.box.open(first.box.seal('kept', 'ctx'), 'ctx')).toBe('kept');
  });

  it('says so when the stored key is damaged', async () => {
    const location = await postgres.fresh();
    const storage = await postgres.open(location);
    await storage
      .q()
      .insertInto('server_secrets')
      .values({ name: 'mfa_master_key', value: 'short', created_at: 0 })
      .execute();
    const error = await refusal(instanceBox(location));
    expect(error.code).toBe('secret_key_damaged');
  });
});

describe('the MFA master key on SQLite', () => {
  it('stays in the data dir’s key file, as before PostgreSQL support', async () => {
    const dir = dataDir();
    const storage = await sqlite.open({ engine: 'sqlite', dataDir: dir });
    const box = await openSecretBox(storage, { dataDir: dir, secretKey: randomBytes(32).toString('base64') });
    const sealed = box.seal('secret', 'ctx');
    expect(existsSync(path.join(dir, MFA_KEY_FILE))).toBe(true);
    // Another data dir has another key: the file, not the variable, is what opens this data dir's secrets.
    const other = dataDir();
    const otherBox = await openSecretBox(await sqlite.open({ engine: 'sqlite', dataDir: other }), { dataDir: other });
    expect(() => otherBox.open(sealed, 'ctx')).toThrow();
  });
});
