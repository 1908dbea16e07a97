import * as client from 'openid-client';
import { onTestFinished, describe, expect, it } from 'vitest';
import { MFA_STEP_PATH } from '../../../server/mfa/passkeys';
import { startSmtpSink } from '../../support/smtp-sink';
import { enrolAna, outboxEmailCode, startMfaServer, totpCode } from './mfa-fixture';
import { authorize, keywayClient, type StartedAuthorization } from './oidc-fixture';
import { ANA, postJson, startServerWithAna, type TestServer } from './server-fixture';
import { Browser, PageBrowser } from '../../support/browser';
import { alertText, heading } from '../../support/html';

/**
 * The server's end-user pages in French and German (issue 17): the language follows the browser's
 * Accept-Language, or the app's `ui_locales` on the provider's pages; `<html lang>` says which; English
 * stays the default. Real server, real oidc-provider, real HTTP.
 */

const FRENCH = 'fr-CH, fr;q=0.9, en;q=0.5';
const GERMAN = 'de-DE,de;q=0.9,en;q=0.3';
const REDIRECT = 'http://127.0.0.1:49152/callback';

function langOf(html: string): string | undefined {
  return /<html lang="([^"]+)">/.exec(html)?.[1];
}

/** What a page shows as its headings (h1, h2), decoded, for "nothing English leaks" checks. */
function headings(html: string): string[] {
  return [...html.matchAll(/<h[12]>([^<]*)<\/h[12]>/g)].map(([, text = '']) => text.replace(/&#39;/g, "'"));
}

function fetchIn(url: string, acceptLanguage: string | undefined): Promise<Response> {
  return fetch(url, { headers: acceptLanguage === undefined ? {} : { 'accept-language': acceptLanguage } });
}

/** The first POST form on a provider page: its action and CSRF token. */
function postForm(html: string, origin: string, actionEnd = ''): { action: string; csrf: string } {
  for (const [, action = '', body = ''] of html.matchAll(
    /<form class="[^"]*" method="post" action="([^"]+)">([\s\S]*?)<\/form>/g,
  )) {
    if (!action.replace(/&amp;/g, '&').endsWith(actionEnd)) continue;
    const csrf = /name="csrf" value="([^"]+)"/.exec(body)?.[1];
    if (csrf !== undefined) return { action: new URL(action.replace(/&amp;/g, '&'), origin).href, csrf };
  }
  throw new Error(`No form ending with "${actionEnd}" on:\n${html}`);
}

/**
 * The set-up every provider-page test repeats: Keyway's client discovers the server, then a browser that
 * asks for `acceptLanguage` follows Keyway's authorization request (code + PKCE, REDIRECT) to the first page.
 */
async function providerPageIn(
  test: TestServer,
  acceptLanguage: string,
  options: { loginHint?: string; extra?: Record<string, string> } = {},
): Promise<StartedAuthorization> {
  const config = await keywayClient(test.server.issuer);
  return authorize(config, test.origin, {
    redirectUri: REDIRECT,
    ...options,
    browser: new Browser({ headers: { 'accept-language': acceptLanguage } }),
  });
}

async function post(
  started: StartedAuthorization,
  origin: string,
  html: string,
  fields: Record<string, string>,
  actionEnd = '',
) {
  const form = postForm(html, origin, actionEnd);
  const landed = await started.browser.follow(
    await started.browser.post(form.action, { csrf: form.csrf, ...fields }),
    origin,
  );
  return { landed, html: await landed.response.text() };
}

describe('the landing, downloads and broken-link pages', () => {
  it('speak the browser’s language, with a matching lang, and English by default', async () => {
    const { server } = await startServerWithAna();
    const { landingUrl } = await server.admin.createDeployment(ANA.loginId);

    const english = await (await fetchIn(landingUrl, undefined)).text();
    expect(langOf(english)).toBe('en');
    expect(heading(english)).toBe('Set up Keyway');

    const french = await (await fetchIn(landingUrl, FRENCH)).text();
    expect(langOf(french)).toBe('fr');
    expect(heading(french)).toBe('Installer Keyway');
    expect(french).toContain('>Ouvrir Keyway</a>');
    expect(french).toContain('<title>Installer Keyway : Keyway reference server</title>');
    expect(headings(french)).not.toContain('Set up Keyway');
    expect(french).not.toMatch(/Open Keyway|Setting up another device|have Keyway yet/);

    const german = await (await fetchIn(landingUrl, GERMAN)).text();
    expect(langOf(german)).toBe('de');
    expect(heading(german)).toBe('Keyway einrichten');
    expect(german).toContain('>Keyway öffnen</a>');

    const downloads = await (await fetchIn(new URL('/downloads', landingUrl).href, GERMAN)).text();
    expect(langOf(downloads)).toBe('de');
    expect(heading(downloads)).toBe('Keyway herunterladen');
    expect(downloads).toContain('<li>Windows: <strong>Keyway Setup.exe</strong> oder <strong>Keyway.msi</strong></li>');

    // The broken link's reason (a protocol/ parser's English message) is said in the page's language.
    const broken = await fetchIn(new URL('/deploy', landingUrl).href, FRENCH);
    expect(broken.status).toBe(400);
    const brokenHtml = await broken.text();
    expect(langOf(brokenHtml)).toBe('fr');
    expect(heading(brokenHtml)).toBe('Ce lien est défectueux');
    expect(brokenHtml).toContain('Ce lien ne contient pas de code d’authentification valide.');
    expect(brokenHtml).not.toContain('This link has no authentication code.');
  });

  it('prefers the highest-quality language the browser lists, and ignores ones it does not offer', async () => {
    const { server } = await startServerWithAna();
    const { landingUrl } = await server.admin.createDeployment(ANA.loginId);
    const spanishThenGerman = await (await fetchIn(landingUrl, 'es-ES, es;q=0.9, de;q=0.5, fr;q=0.4')).text();
    expect(langOf(spanishThenGerman)).toBe('de');
    const onlySpanish = await (await fetchIn(landingUrl, 'es')).text();
    expect(langOf(onlySpanish)).toBe('en');
    expect(heading(onlySpanish)).toBe('Set up Keyway');
  });
});

describe('the provider’s sign-in pages', () => {
  it('follow Accept-Language, and the app’s ui_locales before it; discovery lists the languages', async () => {
    const test = await startServerWithAna();

    const metadata = (await (await fetch(`${test.server.issuer}/.well-known/openid-configuration`)).json()) as {
      ui_locales_supported?: string[];
    };
    expect(metadata.ui_locales_supported).toEqual(['en', 'fr', 'de']);

    const french = await providerPageIn(test, FRENCH, { loginHint: ANA.loginId });
    expect(langOf(french.html)).toBe('fr');
    expect(heading(french.html)).toBe('Connexion');
    expect(french.html).toContain('<label for="login">E-mail ou identifiant</label>');
    expect(french.html).toContain('<label for="password">Mot de passe</label>');
    expect(french.html).toContain('>Annuler</a>');
    expect(french.html).not.toMatch(/>Sign in<|>Password<|>Cancel</);

    // A wrong password: the service's refusal, said in French.
    const wrong = await post(french, test.origin, french.html, { login: ANA.loginId, password: 'not her password' });
    expect(wrong.landed.response.status).toBe(401);
    expect(langOf(wrong.html)).toBe('fr');
    expect(alertText(wrong.html)).toBe('L’identifiant ou le mot de passe est incorrect.');

    // Keyway's own language (ui_locales, OpenID Connect Core §3.1.2.1) wins over the browser's.
    const german = await providerPageIn(test, FRENCH, { loginHint: ANA.loginId, extra: { ui_locales: 'de-AT en' } });
    expect(langOf(german.html)).toBe('de');
    expect(heading(german.html)).toBe('Anmelden');
    expect(german.html).toContain('>Abbrechen</a>');

    // A ui_locales naming none of ours leaves the choice to the browser.
    const unknown = await providerPageIn(test, GERMAN, { extra: { ui_locales: 'es ja' } });
    expect(langOf(unknown.html)).toBe('de');

    // The expired page (no interaction) follows the browser too.
    const expired = await new Browser({ headers: { 'accept-language': FRENCH } }).get(
      `${test.server.issuer}/interaction/nope`,
    );
    const expiredHtml = await expired.text();
    expect(langOf(expiredHtml)).toBe('fr');
    expect(heading(expiredHtml)).toBe('Cette connexion a expiré');
  });

  it('the second step in French: choice, e-mailed proof, authenticator set-up, then the recovery codes', async () => {
    const test = await startMfaServer({ mode: 'enforced', channels: 'totp,email' });
    await test.server.admin.setSignInMethod(ANA.loginId, 'oidc');
    const started = await providerPageIn(test, FRENCH, { loginHint: ANA.loginId });
    const choice = await post(started, test.origin, started.html, { login: ANA.loginId, password: ANA.password });
    expect(langOf(choice.html)).toBe('fr');
    expect(heading(choice.html)).toBe('Confirmez votre identité');
    expect(choice.html).toContain('Configurer une application d’authentification (recommandé)');
    expect(choice.html).toContain('Envoyer un code par e-mail à');
    expect(choice.html).not.toMatch(/Verify it|Set up an authenticator|E-mail a code/);

    const proof = await post(started, test.origin, choice.html, { channel: 'enroll' });
    expect(heading(proof.html)).toBe('Saisissez votre code');
    expect(proof.html).toContain(
      'Avant de configurer une application d’authentification, confirmez qu’il s’agit bien de vous',
    );
    expect(proof.html).toContain('<label for="code">Code à 6 chiffres</label>');

    const enrol = await post(
      started,
      test.origin,
      proof.html,
      {
        channel: 'email',
        purpose: 'enroll',
        code: await outboxEmailCode(test),
      },
      '/mfa/verify',
    );
    expect(langOf(enrol.html)).toBe('fr');
    expect(heading(enrol.html)).toBe('Configurer une application d’authentification');
    expect(enrol.html).toContain(
      'aria-label="Code QR pour ajouter Keyway reference server à une application d’authentification"',
    );
    const secret = /<p class="code" translate="no">([A-Z2-7 ]+)<\/p>/.exec(enrol.html)?.[1]?.replace(/ /g, '') ?? '';
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);

    const codes = await post(started, test.origin, enrol.html, { channel: 'totp', code: totpCode(secret, test) });
    expect(langOf(codes.html)).toBe('fr');
    expect(heading(codes.html)).toBe('Enregistrez vos codes de récupération');
    expect(codes.html).toContain('aria-label="Codes de récupération"');
    expect(codes.html).toMatch(/<a class="button" href="[^"]+">Je les ai enregistrés, continuer<\/a>/);
    expect(codes.html).not.toMatch(/Save your recovery codes|I saved them/);
  });

  it('the second step in German: the code page, "use a recovery code", and a refused code', async () => {
    const test = await startMfaServer({ mode: 'enforced' });
    await enrolAna(test);
    await test.server.admin.setSignInMethod(ANA.loginId, 'oidc');
    const started = await providerPageIn(test, GERMAN, { loginHint: ANA.loginId });
    const codePage = await post(started, test.origin, started.html, { login: ANA.loginId, password: ANA.password });
    expect(langOf(codePage.html)).toBe('de');
    expect(heading(codePage.html)).toBe('Geben Sie Ihren Code ein');
    expect(codePage.html).toContain('<label for="code">6-stelliger Code</label>');
    const recoverUrl = /<a href="([^"]+)">Wiederherstellungscode verwenden<\/a>/.exec(codePage.html)?.[1];
    expect(recoverUrl).toBeDefined();

    const recoverPage = await started.browser.get(new URL((recoverUrl ?? '').replace(/&amp;/g, '&'), test.origin));
    const recoverHtml = await recoverPage.text();
    expect(langOf(recoverHtml)).toBe('de');
    expect(heading(recoverHtml)).toBe('Wiederherstellungscode verwenden');
    expect(recoverHtml).toContain('<label for="recoveryCode">Wiederherstellungscode</label>');

    const refused = await post(started, test.origin, recoverHtml, { recoveryCode: 'aaaa-bbbb-cccc' });
    expect(refused.landed.response.status).toBe(401);
    expect(langOf(refused.html)).toBe('de');
    expect(alertText(refused.html)).toBe('Dieser Code ist falsch. Prüfen Sie ihn und versuchen Sie es erneut.');
  });

  it('"Sign in with a passkey" and its page in French', async () => {
    const test = await startMfaServer({ mode: 'optional', channels: 'totp,passkey' });
    const started = await providerPageIn(test, FRENCH);
    const link = /<a href="([^"]+)">Se connecter avec une clé d’accès<\/a>/.exec(started.html)?.[1];
    expect(link).toBeDefined();
    const page = await started.browser.get(new URL((link ?? '').replace(/&amp;/g, '&'), test.origin));
    const html = await page.text();
    expect(langOf(html)).toBe('fr');
    expect(heading(html)).toBe('Se connecter avec une clé d’accès');
    // The page script's own messages come from the page, in its language.
    expect(html).toContain('data-cancelled="Aucune clé d’accès n’a été utilisée');
    expect(html).toContain('Les clés d’accès nécessitent JavaScript');
    expect(html).not.toMatch(/Sign in with|Passkeys need/);
  });

  it('the device pages in German', async () => {
    const { server } = await startServerWithAna();
    const config = await keywayClient(server.issuer);
    const device = await client.initiateDeviceAuthorization(config, { scope: 'openid' });
    const browser = new Browser({ headers: { 'accept-language': GERMAN } });
    const entryHtml = await (await browser.get(device.verification_uri)).text();
    expect(langOf(entryHtml)).toBe('de');
    expect(heading(entryHtml)).toBe('Gerät verbinden');
    expect(entryHtml).toContain('<button class="button" type="submit">Weiter</button>');
    const xsrf = /name="xsrf" value="([^"]*)"/.exec(entryHtml)?.[1] ?? '';
    const wrongHtml = await (await browser.post(`${server.issuer}/device`, { xsrf, user_code: 'BCDF-GHJK' })).text();
    expect(langOf(wrongHtml)).toBe('de');
    expect(alertText(wrongHtml)).toBe(
      'Dieser Code stimmt nicht. Prüfen Sie ihn auf Ihrem Gerät und versuchen Sie es erneut.',
    );
  });
});

describe('/account, the passkey step page and password reset', () => {
  it('/account in German: sign-in, second step, recovery codes and passkeys sections, a refusal', async () => {
    const test = await startMfaServer({ mode: 'enforced', channels: 'totp,passkey' });
    const { secret } = await enrolAna(test);
    const browser = new PageBrowser(test.origin, { 'accept-language': GERMAN });
    const form = await browser.get('/account');
    expect(langOf(form.html)).toBe('de');
    expect(heading(form.html)).toBe('Anmelden');
    expect(form.html).toContain('<label for="login">E-Mail oder Anmelde-ID</label>');

    const step = await browser.submit(form, '/account/sign-in', { login: ANA.email, password: ANA.password });
    expect(langOf(step.html)).toBe('de');
    expect(heading(step.html)).toBe('Geben Sie Ihren Code ein');
    const verified = await browser.submit(step, '/account/mfa/verify', { code: totpCode(secret, test) });
    expect(verified.status).toBe(303);

    const page = await browser.get('/account');
    expect(langOf(page.html)).toBe('de');
    expect(headings(page.html)).toEqual([
      'Keyway einrichten',
      'Richten Sie ein anderes Gerät ein?',
      'Oder geben Sie diesen Authentifizierungscode in Keyway ein',
      'Passkeys',
      'Wiederherstellungscodes',
    ]);
    expect(page.html).toContain('Sie haben noch keinen Passkey.');
    expect(page.html).toContain('Sie haben 10 unbenutzte Wiederherstellungscodes.');
    expect(page.html).toContain('Angemeldet als <strong>Ana Example</strong> (ana).');

    const refused = await browser.submit(page, '/account/recovery-codes', { password: 'not her password' });
    expect(refused.status).toBe(401);
    expect(langOf(refused.html)).toBe('de');
    expect(heading(refused.html)).toBe('Keine neuen Wiederherstellungscodes');
    expect(refused.html).toContain('Das Passwort ist falsch.');
    expect(refused.html).not.toContain('The password is not correct');
  });

  it('the passkey step page Keyway opens, when it can no longer be used, in French', async () => {
    const test: TestServer = await startServerWithAna();
    const response = await fetchIn(`${test.origin}${MFA_STEP_PATH}/${'x'.repeat(43)}`, FRENCH);
    expect(response.status).toBeGreaterThanOrEqual(400);
    const html = await response.text();
    expect(langOf(html)).toBe('fr');
    expect(heading(html)).toBe('Cette page n’est plus utilisable');
    expect(html).toContain('Revenez à Keyway et recommencez.');
  });

  it('password reset in French: the form, a mismatch, then done; a bad link explained', async () => {
    const sink = await startSmtpSink();
    onTestFinished(() => sink.close());
    const test = await startServerWithAna({ smtp: { host: '127.0.0.1', port: sink.port, insecure: true } });
    await test.server.admin.setPasswordResetPolicy({ enabled: true });
    const browser = new PageBrowser(test.origin, { 'accept-language': FRENCH });

    const bad = await browser.get('/password-reset?token=nope');
    expect(langOf(bad.html)).toBe('fr');
    expect(heading(bad.html)).toBe('Ce lien ne fonctionne pas');

    expect((await postJson(test.origin, '/api/v1/password-reset', { loginId: ANA.loginId })).status).toBe(202);
    const url = await resetUrl(sink);
    const form = await browser.get(url);
    expect(langOf(form.html)).toBe('fr');
    expect(heading(form.html)).toBe('Choisissez un nouveau mot de passe');
    expect(form.html).toContain('<li>Pas un mot de passe courant.</li>');
    expect(form.html).toContain('<label for="confirm">Confirmez le nouveau mot de passe</label>');

    const mismatch = await browser.submit(form, '/password-reset', {
      password: 'a brand new passphrase 7',
      confirm: 'another passphrase 8',
    });
    expect(mismatch.status).toBe(400);
    expect(alertText(mismatch.html)).toBe(
      'Les deux mots de passe ne sont pas identiques. Saisissez deux fois le nouveau mot de passe.',
    );
    const done = await browser.submit(mismatch, '/password-reset', {
      password: 'a brand new passphrase 7',
      confirm: 'a brand new passphrase 7',
    });
    expect(done.status).toBe(200);
    expect(langOf(done.html)).toBe('fr');
    expect(heading(done.html)).toBe('Votre mot de passe a été changé');
  });
});

async function resetUrl(sink: Awaited<ReturnType<typeof startSmtpSink>>): Promise<string> {
  // Mail goes out after the answer (tellAfterCommit): wait for this one message, not for time.
  for (let attempt = 0; attempt < 250; attempt++) {
    const mail = sink.messages.find((message) => message.subject?.startsWith('Reset your password') === true);
    const match = /(http:\/\/127\.0\.0\.1:\d+\/password-reset\?token=[A-Za-z0-9_-]+)/.exec(mail?.text ?? '');
    if (match?.[1]) return match[1];
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('No reset e-mail arrived.');
}
