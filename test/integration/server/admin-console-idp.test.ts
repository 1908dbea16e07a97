import { describe, expect, it } from 'vitest';
import { type PageBrowser, type WebPage } from '../../support/browser';
import { alertText, formsOf, parseHtml, textsOf } from '../../support/html';
import { rsaCertificate } from '../../support/saml-idp';
import { storedBytes } from '../../support/stored-data';
import { consoleWorld, EVIL_ORIGIN, signedInAdmin } from './console-sign-in';
import { ANA, type TestServer } from './server-fixture';

/**
 * Issue 18: identity providers as console pages (Settings), audited with the acting admin. Over HTTP
 * against the real server; the integration-postgres project runs the same file on PostgreSQL.
 */
const CLIENT_SECRET = 'upstream-secret-7d1e4b9a0c';
const OIDC_FIELDS = {
  'oidc-id': 'corp-oidc',
  'oidc-name': 'Corp OIDC',
  'oidc-issuer': 'https://login.corp.example/tenant',
  'oidc-client-id': 'keyway-client',
  'oidc-client-secret': CLIENT_SECRET,
  'oidc-auth-method': 'client_secret_post',
  'oidc-domains': 'corp.example\nsub.corp.example',
};
const ACTOR = { kind: 'admin', id: `console:${ANA.loginId}` };

/** Ana an admin with an authenticator, signed in to the console in two steps. */
async function signedIn(): Promise<{ test: TestServer; browser: PageBrowser; secret: string }> {
  const world = await consoleWorld({ bob: false });
  return { ...world, browser: await signedInAdmin(world) };
}

/** Another browser (with these default headers) where Ana signed in. */
function browserOf(test: TestServer, secret: string, headers: Record<string, string>): Promise<PageBrowser> {
  return signedInAdmin({ test, secret }, { headers });
}

/** The providers the Settings page lists. */
function listed(page: WebPage): string[] {
  const document = parseHtml(page.html);
  const heading = [...document.querySelectorAll('h2')].find((each) => each.textContent === 'Identity providers');
  const list = heading?.nextElementSibling;
  return list?.tagName === 'UL'
    ? [...list.querySelectorAll('li')].map((li) => li.textContent.split('\n')[0] ?? '')
    : [];
}

async function idpEvents(test: TestServer) {
  return (await test.server.admin.auditEvents({ limit: 50, types: ['admin.idp-added', 'admin.idp-removed'] })).events;
}

describe('identity providers on the console’s Settings page', () => {
  it('adds an upstream OIDC provider: listed, audited as the acting admin, its secret nowhere to be read', async () => {
    const { test, browser } = await signedIn();
    const settings = await browser.get('/admin/settings');
    const form = formsOf(parseHtml(settings.html), test.origin).find(
      (each) => each.action.pathname === '/admin/settings/idp/add-oidc',
    );
    // The secret is a password field (a browser never shows it, nor fills it from the page).
    expect(parseHtml(settings.html).querySelector('#oidc-client-secret')?.getAttribute('type')).toBe('password');
    expect(form).toBeDefined();
    const added = await browser.submit(settings, '/admin/settings/idp/add-oidc', OIDC_FIELDS);
    expect(added.status).toBe(200);
    expect(textsOf(added.html, '.notice')).toContain('The identity provider was added.');
    expect(listed(added)).toEqual([
      'Corp OIDC (oidc, corp-oidc, https://login.corp.example/tenant; corp.example, sub.corp.example)',
    ]);
    expect(added.html).not.toContain(CLIENT_SECRET);
    expect((await browser.get('/admin/settings')).html).not.toContain(CLIENT_SECRET);

    const [event] = await idpEvents(test);
    expect(event).toMatchObject({
      type: 'admin.idp-added',
      actor: ACTOR,
      details: {
        provider: 'corp-oidc',
        kind: 'oidc',
        name: 'Corp OIDC',
        issuer: 'https://login.corp.example/tenant',
        domains: ['corp.example', 'sub.corp.example'],
        created: true,
      },
    });
    expect(JSON.stringify(event)).not.toContain(CLIENT_SECRET);
    for (const format of ['csv', 'jsonl']) {
      const exported = await browser.get(`/admin/audit/export?type=admin.idp-added&format=${format}`);
      expect(exported.status).toBe(200);
      expect(exported.html).toContain('corp-oidc');
      expect(exported.html).not.toContain(CLIENT_SECRET);
    }
    // Nor in the database's bytes (sealed at rest), both engines.
    expect((await storedBytes(test)).includes(CLIENT_SECRET)).toBe(false);
  });

  it('adds a SAML provider from its SSO URL, entity ID and pasted certificate', async () => {
    const { test, browser } = await signedIn();
    const settings = await browser.get('/admin/settings');
    const added = await browser.submit(settings, '/admin/settings/idp/add-saml', {
      'saml-id': 'corp-saml',
      'saml-name': 'Corp SAML',
      'saml-sso-url': 'https://idp.corp.example/sso',
      'saml-entity-id': 'https://idp.corp.example/entity',
      'saml-certificate': rsaCertificate('idp.corp.example').cert,
      'saml-jit': 'on',
    });
    expect(added.status).toBe(200);
    expect(listed(added)).toEqual(['Corp SAML (saml, corp-saml, https://idp.corp.example/sso)']);
    expect((await test.server.admin.identityProviders.find('corp-saml'))?.jit).toBe(true);
    expect((await idpEvents(test))[0]).toMatchObject({
      type: 'admin.idp-added',
      actor: ACTOR,
      details: { provider: 'corp-saml', kind: 'saml', issuer: 'https://idp.corp.example/entity', created: true },
    });
  });

  it('names the bad field and, in English, keeps the service’s own sentence (the CLI’s); adds nothing', async () => {
    const { test, browser } = await signedIn();
    const settings = await browser.get('/admin/settings');
    const badIssuer = await browser.submit(settings, '/admin/settings/idp/add-oidc', {
      ...OIDC_FIELDS,
      'oidc-issuer': 'http://login.corp.example',
    });
    expect(badIssuer.status).toBe(400);
    expect(alertText(badIssuer.html)).toMatch(/^Issuer URL: The issuer /);
    expect(badIssuer.html).not.toContain(CLIENT_SECRET);
    const badDomain = await browser.submit(settings, '/admin/settings/idp/add-oidc', {
      ...OIDC_FIELDS,
      'oidc-domains': 'not a domain',
    });
    expect(badDomain.status).toBe(400);
    expect(alertText(badDomain.html)).toMatch(/^Routed e-mail domains \(one per line\): /);
    // More routed domains than an audit event records: refused by name, not a server error.
    const many = Array.from({ length: 101 }, (_, index) => `d${index}.corp.example`).join('\n');
    const tooMany = await browser.submit(settings, '/admin/settings/idp/add-oidc', {
      ...OIDC_FIELDS,
      'oidc-domains': many,
    });
    expect(tooMany.status).toBe(400);
    expect(alertText(tooMany.html)).toBe(
      'Routed e-mail domains (one per line): The domains are too many: at most 100 may be routed to one provider.',
    );
    const noCertificate = await browser.submit(settings, '/admin/settings/idp/add-saml', {
      'saml-id': 'corp-saml',
      'saml-name': 'Corp SAML',
      'saml-sso-url': 'https://idp.corp.example/sso',
      'saml-entity-id': 'https://idp.corp.example/entity',
    });
    expect(noCertificate.status).toBe(400);
    expect(alertText(noCertificate.html)).toMatch(/^IdP signing certificate \(PEM\): /);
    expect(await test.server.admin.identityProviders.list()).toEqual([]);
    expect(await idpEvents(test)).toEqual([]);
  });

  it('words the refused field and its reason in French and German, not in the CLI’s English', async () => {
    const { test, secret } = await signedIn();
    const french = await browserOf(test, secret, { 'accept-language': 'fr' });
    const frSettings = await french.get('/admin/settings');
    const frIssuer = await french.submit(frSettings, '/admin/settings/idp/add-oidc', {
      ...OIDC_FIELDS,
      'oidc-issuer': 'http://login.corp.example',
    });
    expect(frIssuer.status).toBe(400);
    expect(alertText(frIssuer.html)).toBe(
      'URL de l’émetteur : L’URL doit utiliser https (http simple uniquement sur cet ordinateur, pour le développement).',
    );
    const frDomain = await french.submit(frSettings, '/admin/settings/idp/add-oidc', {
      ...OIDC_FIELDS,
      'oidc-domains': 'not a domain',
    });
    expect(alertText(frDomain.html)).toMatch(
      /^Domaines de messagerie routés \(un par ligne\) : Ce n’est pas un nom de domaine/,
    );
    const frId = await french.submit(frSettings, '/admin/settings/idp/add-oidc', {
      ...OIDC_FIELDS,
      'oidc-id': 'Not An Id',
    });
    expect(alertText(frId.html)).toBe(
      'Identifiant du fournisseur (minuscules, chiffres, tirets) : Ce n’est pas au format attendu.',
    );
    const frSecret = await french.submit(frSettings, '/admin/settings/idp/add-oidc', {
      ...OIDC_FIELDS,
      'oidc-client-secret': '   ',
    });
    expect(alertText(frSecret.html)).toMatch(/^Secret client .*: Ce champ est obligatoire\.$/);
    const german = await browserOf(test, secret, { 'accept-language': 'de' });
    const deSettings = await german.get('/admin/settings');
    const many = Array.from({ length: 101 }, (_, index) => `d${index}.corp.example`).join('\n');
    const deMany = await german.submit(deSettings, '/admin/settings/idp/add-oidc', {
      ...OIDC_FIELDS,
      'oidc-domains': many,
    });
    expect(deMany.status).toBe(400);
    expect(alertText(deMany.html)).toBe('Geroutete E-Mail-Domains (eine pro Zeile): Das sind zu viele Einträge.');
    const deCertificate = await german.submit(deSettings, '/admin/settings/idp/add-saml', {
      'saml-id': 'corp-saml',
      'saml-name': 'Corp SAML',
      'saml-sso-url': 'https://idp.corp.example/sso',
      'saml-entity-id': 'https://idp.corp.example/entity',
      'saml-certificate': 'not a certificate',
    });
    expect(deCertificate.status).toBe(400);
    expect(alertText(deCertificate.html)).toMatch(/: Das ist kein X\.509-Zertifikat \(PEM oder Base64\)\.$/);
    expect(alertText(deCertificate.html)).not.toMatch(/certificate|is not/);
    const deMetadata = await german.submit(deSettings, '/admin/settings/idp/add-saml', {
      'saml-id': 'corp-saml',
      'saml-name': 'Corp SAML',
      'saml-metadata': '<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata"/>',
    });
    expect(deMetadata.status).toBe(400);
    expect(alertText(deMetadata.html)).toMatch(/^Metadaten-XML des Anbieters .*: Die Metadaten sind nicht verwendbar/);
    // A taken id and a domain routed elsewhere: the store's refusals, translated too.
    expect((await german.submit(deSettings, '/admin/settings/idp/add-oidc', OIDC_FIELDS)).status).toBe(200);
    const deTaken = await german.submit(deSettings, '/admin/settings/idp/add-oidc', OIDC_FIELDS);
    expect(alertText(deTaken.html)).toBe(
      'Anbieter-ID (Kleinbuchstaben, Ziffern, Bindestriche): Das wird bereits verwendet.',
    );
    const deRouted = await german.submit(deSettings, '/admin/settings/idp/add-oidc', {
      ...OIDC_FIELDS,
      'oidc-id': 'other',
    });
    expect(alertText(deRouted.html)).toMatch(
      /^Geroutete E-Mail-Domains .*: Eine Domain wird bereits an einen anderen Anbieter geroutet\.$/,
    );
    expect((await test.server.admin.identityProviders.list()).map((provider) => provider.id)).toEqual(['corp-oidc']);
  });

  it('removes a provider only with the admin’s password again', async () => {
    const { test, browser } = await signedIn();
    await browser.submit(await browser.get('/admin/settings'), '/admin/settings/idp/add-oidc', OIDC_FIELDS);
    const settings = await browser.get('/admin/settings');
    const without = await browser.submit(settings, '/admin/settings/idp/remove', { reauth: '' });
    expect(without.status).toBe(403);
    expect(alertText(without.html)).toBe('Your password is not correct: nothing was changed.');
    const wrong = await browser.submit(settings, '/admin/settings/idp/remove', { reauth: 'not her password' });
    expect(wrong.status).toBe(403);
    expect(listed(wrong)).toHaveLength(1);
    expect(await test.server.admin.identityProviders.find('corp-oidc')).toBeDefined();
    const done = await browser.submit(settings, '/admin/settings/idp/remove', { reauth: ANA.password });
    expect(done.status).toBe(200);
    expect(textsOf(done.html, '.notice')).toContain('The identity provider was removed.');
    expect(listed(done)).toEqual([]);
    expect(await test.server.admin.identityProviders.find('corp-oidc')).toBeUndefined();
    expect((await idpEvents(test))[0]).toMatchObject({
      type: 'admin.idp-removed',
      actor: ACTOR,
      details: { provider: 'corp-oidc', kind: 'oidc', domains: ['corp.example', 'sub.corp.example'] },
    });
  });

  it('refuses a cross-site post and a post without the console’s token', async () => {
    const { test, browser } = await signedIn();
    const settings = await browser.get('/admin/settings');
    const csrf = /name="csrf" value="([^"]+)"/.exec(settings.html)?.[1] ?? '';
    const crossSite = await browser.post(
      '/admin/settings/idp/add-oidc',
      { csrf, ...OIDC_FIELDS },
      { origin: EVIL_ORIGIN },
    );
    expect(crossSite.status).toBe(403);
    const noToken = await browser.post('/admin/settings/idp/add-oidc', { csrf: '', ...OIDC_FIELDS });
    expect(noToken.status).toBe(403);
    expect(await test.server.admin.identityProviders.list()).toEqual([]);
    await test.server.admin.identityProviders.addOidc({
      id: 'corp-oidc',
      displayName: 'Corp OIDC',
      issuer: 'https://login.corp.example/tenant',
      clientId: 'keyway-client',
      clientSecret: CLIENT_SECRET,
    });
    const remove = { csrf, id: 'corp-oidc', reauth: ANA.password };
    expect((await browser.post('/admin/settings/idp/remove', remove, { origin: EVIL_ORIGIN })).status).toBe(403);
    expect((await browser.post('/admin/settings/idp/remove', { ...remove, csrf: '' })).status).toBe(403);
    expect(await test.server.admin.identityProviders.find('corp-oidc')).toBeDefined();
  });
});
