import { cliActor } from '../../../server/audit/actors';
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
 * Deployment profiles, published licenses and deployment status as services, on SQLite and PostgreSQL:
 * which profile a user has (a user's own assignment beats a domain's), whom a push reaches (never anyone
 * outside the profile), what every session answer then carries, and each deployment's status.
 */

const keyDirs: string[] = [];
afterEach(() => {
  for (const dir of keyDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function servicesOn(storage: Storage, clock: () => number): Services {
  const keyDir = mkdtempSync(path.join(os.tmpdir(), 'keyway-profiles-'));
  keyDirs.push(keyDir);
  const identity = { name: 'Profiles', origin: 'https://id.example', license: DEFAULT_LICENSE };
  return createServices(storage, identity, clock, DEFAULT_LIMITS, {
    dataDir: keyDir,
    box: SecretBox.inDataDir(keyDir),
    delivery: NO_CODE_DELIVERY,
  });
}

async function user(services: Services, loginId: string, email: string, aliases: string[] = []) {
  return services.users.create({ loginId, email, displayName: loginId, passwordHash: 'x', aliases });
}

forEachEngine('Deployment profiles', (open) => {
  it("a user's own assignment beats their domain's, and the e-mail domain decides between domains", async () => {
    const services = servicesOn(await open(), () => 1_000);
    const { profiles } = services;
    await profiles.create('Corp', { language: 'fr' });
    await profiles.create('Sales', { language: 'de' });
    await profiles.create('Ana only', { language: 'en' });
    await profiles.assignDomain('Corp', 'corp.example');
    await profiles.assignDomain('Sales', 'sales.example');
    const ana = await user(services, 'ana', 'ana@corp.example');
    // Her login ID's domain is Sales, her e-mail's is Corp: the e-mail address comes first.
    const bo = await user(services, 'bo@sales.example', 'bo@corp.example');
    const cy = await user(services, 'cy', 'cy@elsewhere.example', ['cy@sales.example']);

    expect((await profiles.profileFor(ana))?.name).toBe('Corp');
    expect((await profiles.profileFor(bo))?.name).toBe('Corp');
    expect((await profiles.profileFor(cy))?.name).toBe('Sales');

    await profiles.assignUser('Ana only', ana);
    expect((await profiles.profileFor(ana))?.name).toBe('Ana only');
    // Assigning the domain again afterwards changes nothing for her: her own assignment still wins.
    await profiles.assignDomain('Corp', 'corp.example');
    expect((await profiles.profileFor(ana))?.name).toBe('Ana only');
    expect(await profiles.unassign({ userId: ana.id })).toBe(true);
    expect((await profiles.profileFor(ana))?.name).toBe('Corp');
  });

  it("a session answer's settings come from the profile profileFor picks, in one lookup", async () => {
    let now = 2_000;
    const services = servicesOn(await open(), () => now);
    const { profiles, licenses } = services;
    await licenses.publish('2026-01', 'Terms of January.');
    now += 1;
    await licenses.publish('2026-02', 'Terms of February.');
    for (const [name, language] of [
      ['Corp', 'fr'],
      ['Sales', 'de'],
      ['Ana only', 'en'],
    ] as const) {
      await profiles.create(name, { language, ...(name === 'Sales' ? { licenseVersion: '2026-01' } : {}) });
    }
    await profiles.assignDomain('Corp', 'corp.example');
    await profiles.assignDomain('Sales', 'sales.example');
    const ana = await user(services, 'ana', 'ana@corp.example');
    const bo = await user(services, 'bo@sales.example', 'bo@corp.example');
    const cy = await user(services, 'cy', 'cy@elsewhere.example', ['cy@sales.example']);
    const dee = await user(services, 'dee', 'dee@nowhere.example');
    const expectSame = async (who: Awaited<ReturnType<typeof user>>, profile: string | undefined, license: string) => {
      const answer = await profiles.sessionSettingsFor(who);
      expect(answer.config?.profile).toBe(profile);
      if (profile !== undefined) expect((await profiles.profileFor(who))?.name).toBe(profile);
      expect(answer.license.version).toBe(license);
      expect(answer).toEqual({ license: await profiles.licenseFor(who), config: await profiles.clientConfigFor(who) });
    };
    // Nothing pushed yet: no config, the newest license.
    await expectSame(ana, undefined, '2026-02');
    for (const name of ['Corp', 'Sales', 'Ana only']) await profiles.push(name);
    await expectSame(ana, 'Corp', '2026-02');
    // Her e-mail's domain (Corp) beats her login ID's (Sales).
    await expectSame(bo, 'Corp', '2026-02');
    // An alias's domain, with Sales' pinned license.
    await expectSame(cy, 'Sales', '2026-01');
    await expectSame(dee, undefined, '2026-02');
    // Her own assignment beats her domain's.
    await profiles.assignUser('Ana only', ana);
    await expectSame(ana, 'Ana only', '2026-02');
    // An own assignment to a profile never pushed: no config, even though her domain's profile was pushed.
    await profiles.create('Draft', { language: 'de' });
    await profiles.assignUser('Draft', ana);
    expect((await profiles.sessionSettingsFor(ana)).config).toBeNull();
    expect((await profiles.profileFor(ana))?.name).toBe('Draft');
  });

  it('a push reaches exactly the users whose profile it is and their deployed installations', async () => {
    let now = 10_000;
    const services = servicesOn(await open(), () => now);
    const { profiles, deployments, deploymentStore } = services;
    await profiles.create('Corp', { language: 'fr' });
    await profiles.create('Own', { language: 'de' });
    await profiles.assignDomain('Corp', 'corp.example');
    const ana = await user(services, 'ana', 'ana@corp.example');
    const bo = await user(services, 'bo', 'bo@corp.example');
    // In the domain, but with a profile of her own: a Corp push must not reach her.
    const cy = await user(services, 'cy', 'cy@corp.example');
    await profiles.assignUser('Own', cy);
    // Outside the domain, with no profile.
    const dee = await user(services, 'dee', 'dee@other.example');
    // One with an alias in the domain whose e-mail domain names another profile.
    await profiles.create('Other', {});
    await profiles.assignDomain('Other', 'other.example');
    const eve = await user(services, 'eve', 'eve@other.example', ['eve@corp.example']);

    // Ana redeemed two installations, Cy one (not reached), Bo none.
    for (const [who, installation] of [
      [ana, 'installation-ana-0001'],
      [ana, 'installation-ana-0002'],
      [cy, 'installation-cy-00001'],
    ] as const) {
      const issued = await deployments.create(who, 3600, cliActor());
      const claim = await deploymentStore.claim(await hashOf(services, issued.id), installation);
      expect(claim.outcome).toBe('claimed');
    }

    // Never pushed: clients get nothing from the profile yet.
    expect(await profiles.clientConfigFor(ana)).toBeNull();

    now += 1;
    const push = await profiles.push('Corp');
    expect(push).toMatchObject({ profile: 'Corp', users: 2, clients: 2, previous: null, settings: { language: 'fr' } });
    expect((await profiles.usersOf((await profiles.require('Corp')).id)).sort()).toEqual([ana.id, bo.id].sort());

    const config = { version: push.version, profile: 'Corp', settings: { language: 'fr' } };
    expect(await profiles.clientConfigFor(ana)).toEqual(config);
    expect(await profiles.clientConfigFor(bo)).toEqual(config);
    for (const outsider of [cy, dee, eve]) expect(await profiles.clientConfigFor(outsider)).toBeNull();

    // An edit is a draft: clients keep the pushed version until the next push, whose version is newer.
    await profiles.edit('Corp', { language: 'de', updateChannel: 'beta' });
    expect(await profiles.clientConfigFor(ana)).toEqual(config);
    const second = await profiles.push('Corp');
    expect(second.version).toBeGreaterThan(push.version);
    expect(second.previous).toEqual({ language: 'fr' });
    expect(await profiles.clientConfigFor(bo)).toEqual({
      version: second.version,
      profile: 'Corp',
      settings: { language: 'de', updateChannel: 'beta' },
    });
  });

  it("the license: a profile's pinned version, else the newest published, else the built-in one", async () => {
    let now = 50_000;
    const services = servicesOn(await open(), () => now);
    const { profiles, licenses } = services;
    const ana = await user(services, 'ana', 'ana@corp.example');
    const bo = await user(services, 'bo', 'bo@corp.example');
    expect(await profiles.licenseFor(ana)).toEqual(DEFAULT_LICENSE);

    await licenses.publish('2026-01', 'Terms of January.');
    now += 1;
    await licenses.publish('2026-02', 'Terms of February.');
    expect(await profiles.licenseFor(ana)).toEqual({ version: '2026-02', text: 'Terms of February.' });
    expect(await profiles.licenseFor(undefined)).toEqual({ version: '2026-02', text: 'Terms of February.' });

    await expect(profiles.create('Pinned', { licenseVersion: '2027-01' })).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringContaining('"2027-01" is not published') as string,
    });
    await profiles.create('Pinned', { licenseVersion: '2026-01' });
    await profiles.assignUser('Pinned', ana);
    // Not pushed yet: the pin does not apply.
    expect((await profiles.licenseFor(ana)).version).toBe('2026-02');
    await profiles.push('Pinned');
    expect((await profiles.licenseFor(ana)).version).toBe('2026-01');
    expect((await profiles.licenseFor(bo)).version).toBe('2026-02');

    await expect(licenses.publish('2026-02', 'Changed text.')).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(licenses.publish(' ', 'Text.')).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(licenses.publish('2026-03', '')).rejects.toMatchObject({ code: 'invalid_input' });
  });

  it('profile settings are checked, and the message names the setting', async () => {
    const services = servicesOn(await open(), () => 1);
    await expect(services.profiles.create('', {})).rejects.toMatchObject({ code: 'invalid_input' });
    await services.profiles.create('Corp', {});
    await expect(services.profiles.create('Corp', {})).rejects.toMatchObject({
      message: expect.stringContaining('already exists') as string,
    });
    // A value from outside the CLI's checks (e.g. a console form) is refused by the schema itself.
    await expect(services.profiles.edit('Corp', { language: 'es' as unknown as 'en' })).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringContaining('"language"') as string,
    });
    await expect(services.profiles.push('Nope')).rejects.toMatchObject({ code: 'not_found' });
  });
});

forEachEngine('Deployment status', (open) => {
  it('sent → opened → redeemed (installation, client version); expired; revoked, which then answers expired', async () => {
    let now = 1_000_000;
    const services = servicesOn(await open(), () => now);
    const { deployments, deploymentStore } = services;
    const ana = await user(services, 'ana', 'ana@corp.example');
    const bo = await user(services, 'bo', 'bo@corp.example');
    const a = await deployments.create(ana, 3600, cliActor());
    const b = await deployments.create(ana, 60, cliActor());
    const c = await deployments.create(bo, 3600, cliActor());

    expect(await deploymentStore.find(a.id)).toMatchObject({ state: 'sent', userId: ana.id });
    now += 10;
    await deploymentStore.markOpened(await hashOf(services, a.id));
    expect(await deploymentStore.find(a.id)).toMatchObject({ state: 'opened', openedAt: new Date(now) });
    // Opening again keeps the first time.
    now += 10;
    await deploymentStore.markOpened(await hashOf(services, a.id));
    expect((await deploymentStore.find(a.id))?.openedAt).toEqual(new Date(now - 10));

    await deploymentStore.claim(await hashOf(services, a.id), 'installation-0123456789', '1.4.2');
    expect(await deploymentStore.find(a.id)).toMatchObject({
      state: 'redeemed',
      redeemedAt: new Date(now),
      installationId: 'installation-0123456789',
      clientVersion: '1.4.2',
    });
    // A redeemed deployment cannot be revoked (that installation is ended with revoke-sessions).
    expect(await deploymentStore.revoke(a.id)).toBe(false);

    expect(await deploymentStore.revoke(c.id)).toBe(true);
    expect(await deploymentStore.find(c.id)).toMatchObject({ state: 'revoked', revokedAt: new Date(now) });
    expect(await deploymentStore.revoke(c.id)).toBe(false);
    now += 1;
    expect(await deploymentStore.claim(await hashOf(services, c.id), 'installation-9999999999')).toEqual({
      outcome: 'expired',
    });
    expect((await deploymentStore.find(c.id))?.state).toBe('revoked');

    now += 60_000;
    expect((await deploymentStore.find(b.id))?.state).toBe('expired');
    expect(await deploymentStore.revoke(b.id)).toBe(false);

    expect((await deploymentStore.list({ userId: ana.id })).map((s) => s.id)).toEqual([b.id, a.id]);
    expect((await deploymentStore.list()).map((s) => s.id)).toEqual([c.id, b.id, a.id]);
  });
});

/** The stored secret hash of a deployment: what the landing page and redemption look it up by. */
async function hashOf(services: Services, id: number): Promise<string> {
  const row = await services.storage
    .q()
    .selectFrom('deployments')
    .select('secret_hash')
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return row.secret_hash;
}
