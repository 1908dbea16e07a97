import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type KeywayCore, type RecoveryCodesExporter } from '../../electron/core/keyway-core';
import type { View } from '../../electron/ipc/view';
import { startMfaServer, totpCode } from './server/mfa-fixture';
import { ANA, type TestServer } from './server/server-fixture';
import { testCore } from '../support/keyway-core';

/**
 * Issue 17's lost-phone journey: Keyway core (real) against the reference server (real). A first
 * authenticator at sign-in shows ten recovery codes once; one of them signs in instead of the phone,
 * once; "Get new codes" on Sign-in security makes the old set stop working. The codes never reach the
 * settings file, and leave core's state on Continue.
 */

function keyway(): { core: KeywayCore; profileDir: string } {
  return testCore({ profilePrefix: 'keyway-it-recovery-' });
}

/** Every file under the profile directory, as text (the settings file and anything beside it). */
function filesOf(dir: string): string {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => path.join(dir, name))
    .filter((file) => statSync(file).isFile())
    .map((file) => readFileSync(file, 'utf8'))
    .join('\n');
}

async function step(core: KeywayCore, event: Parameters<KeywayCore['send']>[0]): Promise<View> {
  core.send(event);
  await core.settled();
  return core.getView();
}

/** Deploys, signs in with the password and enrols the first authenticator; returns its secret and the codes. */
async function enrolAtSignIn(test: TestServer, core: KeywayCore): Promise<{ secret: string; codes: string[] }> {
  const { code } = await test.server.admin.createDeployment(ANA.loginId);
  await core.start();
  core.send({ type: 'welcome.inputChanged', text: code });
  core.send({ type: 'welcome.applied' });
  await step(core, { type: 'server.confirmed' });
  core.send({ type: 'license.accepted' });
  const enrolling = await step(core, { type: 'password.submitted', password: ANA.password });
  if (enrolling.screen !== 'mfa' || enrolling.enrollment === null) throw new Error(`No enrolment: ${enrolling.screen}`);
  // No codes yet: nothing to offer.
  expect(enrolling.recoveryCodeOffered).toBe(false);
  const secret = enrolling.enrollment.secret;
  const shown = await step(core, { type: 'mfaCode.submitted', code: totpCode(secret, test), remember: false });
  if (shown.screen !== 'recoveryCodes') throw new Error(`Expected the recovery codes, got ${JSON.stringify(shown)}`);
  test.advance(30_000);
  return { secret, codes: shown.codes };
}

async function toPasswordAgain(core: KeywayCore): Promise<View> {
  const view = await step(core, { type: 'signOut.requested' });
  expect(view).toMatchObject({ screen: 'password' });
  return step(core, { type: 'password.submitted', password: ANA.password });
}

async function recoverWith(core: KeywayCore, code: string): Promise<View> {
  const mfa = await toPasswordAgain(core);
  expect(mfa).toMatchObject({ screen: 'mfa', recoveryCodeOffered: true });
  expect(await step(core, { type: 'recoveryCode.chosen' })).toMatchObject({ screen: 'mfa', recovery: true });
  return step(core, { type: 'recoveryCode.submitted', code, remember: false });
}

describe('recovery codes in Keyway against the reference server', () => {
  it('lost phone: codes shown once at the first enrolment, never on disk; a code signs in once; Home counts down', async () => {
    const test = await startMfaServer({ channels: 'totp', mode: 'enforced' });
    const { core, profileDir } = keyway();
    const { codes } = await enrolAtSignIn(test, core);
    expect(codes).toHaveLength(10);

    // Save as text file without an app around core (the harness): the page gets the file to download.
    const exported = await core.exportRecoveryCodes('save');
    expect(exported.by).toBe('page');
    if (exported.by === 'page') expect(exported.file.name).toMatch(/^keyway-recovery-codes-127\.0\.0\.1-\d+\.txt$/);
    if (exported.by === 'page') for (const c of codes) expect(exported.file.text).toContain(c);
    // With an app (Electron's main): it gets the same file and does the saving and printing.
    const saved: string[] = [];
    core.recoveryCodesExport = {
      save: (file) => Promise.resolve(saved.push(file.text) > 0),
      print: () => Promise.resolve(false),
    } satisfies RecoveryCodesExporter;
    expect(await core.exportRecoveryCodes('save')).toEqual({ by: 'app', done: true });
    expect(await core.exportRecoveryCodes('print')).toEqual({ by: 'app', done: false });
    expect(saved[0]).toContain(codes[0]);

    const home = await step(core, { type: 'recoveryCodes.continued' });
    expect(home).toMatchObject({ screen: 'home' });
    expect(home).not.toHaveProperty('recoveryCodesLeft');
    // Continue: the codes left the view, and they never reached the settings file.
    for (const c of codes) {
      expect(JSON.stringify(home)).not.toContain(c);
      expect(filesOf(profileDir)).not.toContain(c);
      expect(filesOf(profileDir)).not.toContain(c.replace(/-/g, ''));
    }
    // …nor can they be saved any more.
    await expect(core.exportRecoveryCodes('save')).rejects.toMatchObject({ code: 'invalid_input' });

    // The phone is lost: a recovery code, typed in capitals with spaces, instead of the authenticator.
    const [first = '', second = '', ...rest] = codes;
    expect(await recoverWith(core, ` ${first.toUpperCase().replace(/-/g, ' ')} `)).toMatchObject({ screen: 'home' });

    // The same code again: refused by the server, said on the field.
    expect(await recoverWith(core, first)).toMatchObject({
      screen: 'mfa',
      recovery: true,
      busy: false,
      error: { code: 'mfa_code_invalid' },
    });

    // Six more: Home says how many are left once three or fewer are.
    expect(await step(core, { type: 'recoveryCode.submitted', code: second, remember: false })).toMatchObject({
      screen: 'home',
    });
    let last: View = core.getView();
    for (const c of rest.slice(0, 5)) last = await recoverWith(core, c);
    expect(last).toMatchObject({ screen: 'home', recoveryCodesLeft: 3 });
  });

  it('Get new codes on Sign-in security: the password first, the new set once, and the old set refused', async () => {
    const test = await startMfaServer({ channels: 'totp', mode: 'enforced' });
    const { core, profileDir } = keyway();
    const { codes: old } = await enrolAtSignIn(test, core);
    await step(core, { type: 'recoveryCodes.continued' });

    expect(await step(core, { type: 'security.opened' })).toMatchObject({
      screen: 'security',
      recoveryCodes: { remaining: 10 },
    });
    // A wrong password: refused, no new codes.
    expect(await step(core, { type: 'recoveryCodes.regenerateRequested', password: 'not-the-password' })).toMatchObject(
      { screen: 'security', error: { code: 'reauthentication_required' } },
    );
    const shown = await step(core, { type: 'recoveryCodes.regenerateRequested', password: ANA.password });
    if (shown.screen !== 'recoveryCodes') throw new Error(`Expected new codes, got ${shown.screen}`);
    const fresh = shown.codes;
    expect(fresh.some((c) => old.includes(c))).toBe(false);
    const back = await step(core, { type: 'recoveryCodes.continued' });
    expect(back).toMatchObject({ screen: 'security', recoveryCodes: { remaining: 10 } });
    expect(JSON.stringify(back)).not.toContain(fresh[0]);
    for (const c of fresh) expect(filesOf(profileDir)).not.toContain(c);

    await step(core, { type: 'back.pressed' });
    expect(await recoverWith(core, old[0] ?? '')).toMatchObject({ screen: 'mfa', error: { code: 'mfa_code_invalid' } });
    expect(await step(core, { type: 'recoveryCode.submitted', code: fresh[0] ?? '', remember: false })).toMatchObject({
      screen: 'home',
    });
  });

  it('the first authenticator added on Sign-in security: confirm answers 200 with the codes, shown once', async () => {
    const test = await startMfaServer({ channels: 'totp', mode: 'optional' });
    const { core } = keyway();
    const { code } = await test.server.admin.createDeployment(ANA.loginId);
    await core.start();
    core.send({ type: 'welcome.inputChanged', text: code });
    core.send({ type: 'welcome.applied' });
    await step(core, { type: 'server.confirmed' });
    core.send({ type: 'license.accepted' });
    expect(await step(core, { type: 'password.submitted', password: ANA.password })).toMatchObject({ screen: 'home' });
    expect(await step(core, { type: 'security.opened' })).toMatchObject({ screen: 'security', recoveryCodes: null });
    const enrolling = await step(core, { type: 'authenticator.addRequested', password: ANA.password });
    if (enrolling.screen !== 'security' || enrolling.enrolling === null) throw new Error('No enrolment');
    const shown = await step(core, {
      type: 'authenticator.codeSubmitted',
      code: totpCode(enrolling.enrolling.secret, test),
    });
    expect(shown).toMatchObject({ screen: 'recoveryCodes' });
    expect(await step(core, { type: 'recoveryCodes.continued' })).toMatchObject({
      screen: 'security',
      authenticators: [{}],
      recoveryCodes: { remaining: 10 },
    });
  });
});
