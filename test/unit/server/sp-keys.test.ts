import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadSpKeys } from '../../../server/federation/sp-keys';
import { SecretBox } from '../../../server/mfa/secret-box';
import { openSqliteDataDir, type Db } from '../../../server/storage/database';
import { sqliteStorage, type Storage } from '../../../server/storage/storage';

let dir: string;
let db: Db;
let storage: Storage;

beforeEach(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'keyway-unit-sp-keys-'));
  db = await openSqliteDataDir(dir);
  storage = sqliteStorage(db);
});

afterEach(async () => {
  await storage.close();
  rmSync(dir, { recursive: true, force: true });
});

const dump = (): string => JSON.stringify(db.prepare('SELECT * FROM saml_sp_keys').all());

describe('the SAML SP key pair', () => {
  it('keeps its private key sealed: a copy of the database without the key file holds no PEM key', async () => {
    const keys = await loadSpKeys(storage, SecretBox.inDataDir(dir), Date.now);
    expect(keys.privateKey).toContain('BEGIN PRIVATE KEY');
    expect(dump()).not.toContain('PRIVATE KEY');
    // Read back the same pair, and not with another key file.
    expect(await loadSpKeys(storage, SecretBox.inDataDir(dir), Date.now)).toEqual(keys);
    const other = mkdtempSync(path.join(os.tmpdir(), 'keyway-unit-sp-keys-other-'));
    try {
      await expect(loadSpKeys(storage, SecretBox.inDataDir(other), Date.now)).rejects.toThrow();
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('seals a pair an older server stored in plaintext, and keeps using it', async () => {
    const keys = await loadSpKeys(storage, SecretBox.inDataDir(dir), Date.now);
    db.prepare('UPDATE saml_sp_keys SET private_key = ?').run(keys.privateKey);
    expect(dump()).toContain('PRIVATE KEY');
    expect(await loadSpKeys(storage, SecretBox.inDataDir(dir), Date.now)).toEqual(keys);
    expect(dump()).not.toContain('PRIVATE KEY');
  });
});
