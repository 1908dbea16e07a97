import { describe, expect, it } from 'vitest';
import { PageBrowser } from '../../support/browser';
import { alertText } from '../../support/html';
import { consoleSignIn } from './console-sign-in';
import { enrolAna, startMfaServer, totpCode } from './mfa-fixture';
import { ANA, type TestServer } from './server-fixture';

const BOB = {
  loginId: 'bob',
  email: 'bob@example.com',
  displayName: 'Bob Example',
  password: 'bob has a long password',
};

/**
 * The console's Settings forms refuse a bad field in the admin's language: the AdminService's refusal
 * carries the field and a reason code (KeywayError's detail), worded from validation-texts.ts, never
 * from the CLI's English sentence. Over HTTP against the real server (the integration-postgres project
 * runs the file on PostgreSQL). The identity-provider forms' cases are in admin-console-idp.test.ts.
 */
async function consoleServer(): Promise<{ test: TestServer; secret: string }> {
  const test = await startMfaServer({ mode: 'enforced' });
  const { secret } = await enrolAna(test);
  await test.server.admin.setMfaPolicy({ mode: 'optional' });
  await test.server.admin.grantAdmin(ANA.loginId);
  return { test, secret };
}

/** Ana signed in at /admin, her browser asking for `language`; the clock moves a TOTP step on afterwards. */
async function signedInAs(test: TestServer, secret: string, language: 'fr' | 'de'): Promise<PageBrowser> {
  const browser = new PageBrowser(test.origin, { 'accept-language': language });
  const answer = await consoleSignIn(browser, {
    login: ANA.loginId,
    password: ANA.password,
    code: totpCode(secret, test),
  });
  expect(answer.status).toBe(303);
  test.advance(30_000);
  return browser;
}

describe('console settings refusals in French and German', () => {
  it('words a refused MFA, forgot-password or front-end field and its reason in French and German', async () => {
    const { test, secret } = await consoleServer();
    const french = await signedInAs(test, secret, 'fr');
    const frPage = await french.get('/admin/settings');
    const frTrust = await french.submit(frPage, '/admin/settings/mfa', {
      'channel-totp': 'on',
      mode: 'optional',
      trustDays: '0',
    });
    expect(frTrust.status).toBe(400);
    expect(alertText(frTrust.html)).toBe(
      'Mémoriser les appareils pendant (jours, de 1 à 365) : Ce nombre est hors de la plage autorisée.',
    );
    const frNoChannel = await french.submit(frPage, '/admin/settings/mfa', { mode: 'optional', trustDays: '30' });
    expect(frNoChannel.status).toBe(400);
    expect(alertText(frNoChannel.html)).toMatch(/ : Autorisez au moins un canal\.$/);
    const frMode = await french.submit(frPage, '/admin/settings/mfa', {
      'channel-totp': 'on',
      mode: 'sometimes',
      trustDays: '30',
    });
    expect(alertText(frMode.html)).toMatch(/ : Ce n’est pas l’un des choix proposés\.$/);
    const frLink = await french.submit(frPage, '/admin/settings/forgot-password', { enabled: 'on', linkMinutes: '0' });
    expect(frLink.status).toBe(400);
    expect(alertText(frLink.html)).toMatch(/^Durée du lien de réinitialisation \(minutes\) : Ce nombre est hors/);
    const german = await signedInAs(test, secret, 'de');
    const dePage = await german.get('/admin/settings');
    const deTrust = await german.submit(dePage, '/admin/settings/mfa', {
      'channel-totp': 'on',
      mode: 'optional',
      trustDays: '999',
    });
    expect(deTrust.status).toBe(400);
    expect(alertText(deTrust.html)).toMatch(/: Diese Zahl liegt außerhalb des erlaubten Bereichs\.$/);
    expect(alertText(deTrust.html)).not.toContain('Device trust');
    const deName = await german.submit(dePage, '/admin/settings/otp-clients/create', { otpName: 'no spaces allowed' });
    expect(deName.status).toBe(400);
    expect(alertText(deName.html)).toMatch(/: Das entspricht nicht dem erwarteten Format\.$/);
    expect((await german.submit(dePage, '/admin/settings/otp-clients/create', { otpName: 'vpn' })).status).toBe(200);
    const deTaken = await german.submit(dePage, '/admin/settings/otp-clients/create', { otpName: 'vpn' });
    expect(alertText(deTaken.html)).toMatch(/: Das wird bereits verwendet\.$/);
    // Nothing refused was saved.
    expect(await test.server.admin.mfaPolicy()).toMatchObject({ mode: 'optional', trustDays: 30 });
    expect((await test.server.admin.passwordResetPolicy()).linkTtlMinutes).not.toBe(0);
  });

  it('words a refused user field and its reason in French and German', async () => {
    const { test, secret } = await consoleServer();
    await test.server.admin.createUser({ ...BOB, sendWelcomeEmail: false });
    const french = await signedInAs(test, secret, 'fr');
    const frBad = await french.submit(await french.get('/admin/user?name=bob'), '/admin/user/edit', {
      email: 'not an address',
    });
    expect(frBad.status).toBe(400);
    expect(alertText(frBad.html)).toBe('Adresse e-mail : Ce n’est pas au format attendu.');
    const german = await signedInAs(test, secret, 'de');
    const deBad = await german.submit(await german.get('/admin/user?name=bob'), '/admin/user/edit', {
      displayName: '   ',
    });
    expect(deBad.status).toBe(400);
    expect(alertText(deBad.html)).toMatch(/: Dieses Feld ist erforderlich\.$/);
    expect((await test.server.admin.findUser('bob'))?.email).toBe(BOB.email);
  });
});
