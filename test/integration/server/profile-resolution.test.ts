import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { DEFAULT_LICENSE, DEFAULT_LIMITS } from '../../../server/config';
import { NO_CODE_DELIVERY } from '../../../server/mfa/delivery';
import { SecretBox } from '../../../server/mfa/secret-box';
import { createServices, type Services } from '../../../server/services';
import type { Storage } from '../../../server/storage/storage';
import { forEachEngine } from '../../support/engines';

/**
 * The profile rule answered by name in one statement (deployment-profiles.ts pushedSettingsForName, what
 * discovery and every MFA decision ask) agrees with profileFor (what session answers and pushes use), on
 * SQLite and PostgreSQL: a user's own assignment beats their domains', the e-mail domain beats the login
 * ID's and aliases', a name no one has gets its typed domain's profile, and only pushed settings count.
 */

const keyDirs: string[] = [];
afterEach(() => {
  for (const dir of keyDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function servicesOn(storage: Storage): Services {
  const keyDir = mkdtempSync(path.join(os.tmpdir(), 'keyway-profile-rule-'));
  keyDirs.push(keyDir);
  const identity = { name: 'Profiles', origin: 'https://id.example', license: DEFAULT_LICENSE };
  return createServices(storage, identity, () => 1_000, DEFAULT_LIMITS, {
    dataDir: keyDir,
    box: SecretBox.inDataDir(keyDir),
    delivery: NO_CODE_DELIVERY,
  });
}

forEachEngine('The deployment profile rule by name', (open) => {
  it('agrees with profileFor for every name of every user, and for names no one has', async () => {
    const services = servicesOn(await open());
    const { profiles, users } = services;
    const user = (loginId: string, email: string, aliases: string[] = []) =>
      users.create({ loginId, email, displayName: loginId, passwordHash: 'x', aliases });
    for (const [name, language] of [
      ['Corp', 'fr'],
      ['Sales', 'de'],
      ['Own', 'en'],
    ] as const) {
      await profiles.create(name, { language });
      await profiles.push(name);
    }
    await profiles.create('Draft', { language: 'de' });
    await profiles.assignDomain('Corp', 'corp.example');
    await profiles.assignDomain('Sales', 'sales.example');
    await profiles.assignDomain('Draft', 'draft.example');
    const everyone = [
      await user('ana', 'ana@corp.example'),
      // Her login ID's domain is Sales, her e-mail's Corp: the e-mail address comes first.
      await user('bo@sales.example', 'bo@corp.example'),
      await user('cy', 'cy@elsewhere.example', ['cy@sales.example', 'cy@corp.example']),
      await user('dee', 'dee@draft.example'),
      await user('eve', 'eve@nowhere.example'),
      await user('fay', 'fay@corp.example'),
    ];
    const fay = everyone[5];
    if (fay) await profiles.assignUser('Own', fay);
    const dee = everyone[3];
    // Her e-mail domain's profile was never pushed: it still beats her alias domain's pushed Corp profile,
    // so nothing is in force for her.
    if (dee)
      await users.updateProfile(dee.id, {
        displayName: 'dee',
        email: 'dee@draft.example',
        aliases: ['dee@corp.example'],
      });

    for (const each of everyone) {
      const record = await users.findById(each.id);
      if (!record) throw new Error('user vanished');
      const expected = (await profiles.profileFor(record))?.pushed?.settings;
      for (const name of [record.loginId, record.email, ...record.aliases]) {
        expect(await profiles.pushedSettingsForName(name), `${record.loginId} as ${name}`).toEqual(expected);
      }
      expect(await profiles.pushedSettingsOf(record.id), record.loginId).toEqual(expected);
    }
    expect(await profiles.pushedSettingsForName('ana')).toEqual({ language: 'fr' });
    expect(await profiles.pushedSettingsForName('bo@sales.example')).toEqual({ language: 'fr' });
    expect(await profiles.pushedSettingsForName('CY@Sales.Example')).toEqual({ language: 'fr' });
    expect(await profiles.pushedSettingsForName('fay@corp.example')).toEqual({ language: 'en' });
    expect(await profiles.pushedSettingsForName('dee')).toBeUndefined();
    // Names no one has: their typed domain's profile, pushed only.
    expect(await profiles.pushedSettingsForName('nobody@Sales.example')).toEqual({ language: 'de' });
    expect(await profiles.pushedSettingsForName('nobody@draft.example')).toBeUndefined();
    expect(await profiles.pushedSettingsForName('nobody')).toBeUndefined();
    expect(await profiles.pushedSettingsForName('nobody@other.example')).toBeUndefined();
  });
});
