import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { cli } from './cli-run';
import { rsaCertificate, startSamlIdp } from '../../support/saml-idp';
import { startTestServer, tempDir } from './server-fixture';

describe('idp commands of the admin CLI', () => {
  it('adds a SAML IdP from its metadata file and prints what to register there; the running server offers it', async () => {
    const test = await startTestServer();
    const idp = await startSamlIdp({ spMetadataUrl: () => `${test.origin}/sso/saml/corp/metadata` });
    onTestFinished(() => idp.close());
    writeFileSync(path.join(test.dataDir, 'idp.xml'), idp.metadataXml);

    const added = await cli(
      test.dataDir,
      {},
      'idp',
      'add-saml',
      '--id',
      'corp',
      '--name',
      'Corp SSO',
      '--metadata',
      'idp.xml',
      '--domain',
      'Corp.Example',
      '--jit',
    );
    expect(added.err).toEqual([]);
    expect(added.code).toBe(0);
    expect(added.out[0]).toBe(
      `Added "corp" (Corp SSO): SAML; ${idp.ssoUrl}; creates users on first sign-in; password form beside it; routes corp.example.`,
    );
    expect(added.out).toContain(`  SP metadata URL:  ${test.origin}/sso/saml/corp/metadata`);
    expect(added.out).toContain(`  ACS URL (POST):   ${test.origin}/sso/saml/corp/acs`);

    // The server reads providers per request: no restart needed.
    expect((await fetch(`${test.origin}/sso/saml/corp/metadata`)).status).toBe(200);
    const listed = await cli(test.dataDir, {}, 'idp', 'list');
    expect(listed.out[0]).toMatch(/^"corp" \(Corp SSO\): SAML;/);

    const again = await cli(
      test.dataDir,
      {},
      'idp',
      'add-saml',
      '--id',
      'corp',
      '--name',
      'X',
      '--metadata',
      'idp.xml',
    );
    expect(again.code).toBe(1);
    expect(again.err[0]).toMatch(/exists already \(add --replace to change it\)/);

    const removed = await cli(test.dataDir, {}, 'idp', 'remove', '--id', 'corp');
    expect(removed.code).toBe(0);
    expect((await fetch(`${test.origin}/sso/saml/corp/metadata`)).status).toBe(404);

    // The CLI goes through the same audited AdminService methods as the console: added once (the
    // refused second add records nothing), removed once, as the CLI's admin.
    const { events } = await test.server.admin.auditEvents({
      limit: 10,
      types: ['admin.idp-added', 'admin.idp-removed'],
    });
    expect(events.map((event) => [event.type, event.actor.kind, (event.actor.id ?? '').startsWith('cli:')])).toEqual([
      ['admin.idp-removed', 'admin', true],
      ['admin.idp-added', 'admin', true],
    ]);
    expect(events[1]?.details).toMatchObject({ provider: 'corp', kind: 'saml', domains: ['corp.example'] });
  });

  it('adds a SAML IdP from its SSO URL, entity ID and certificate file', async () => {
    const dataDir = tempDir();
    const { cert } = rsaCertificate('Manual IdP');
    writeFileSync(path.join(dataDir, 'idp.pem'), cert);
    const added = await cli(
      dataDir,
      {},
      'idp',
      'add-saml',
      '--id',
      'adfs',
      '--name',
      'AD FS',
      '--sso-url',
      'https://adfs.corp.example/adfs/ls/',
      '--idp-entity-id',
      'http://adfs.corp.example/adfs/services/trust',
      '--idp-cert',
      'idp.pem',
      '--hide-password',
    );
    expect(added.err).toEqual([]);
    expect(added.out[0]).toMatch(/enterprise sign-in only; no routed domains\.$/);
    // No server has run on this data dir yet, so its URLs are not known.
    expect(added.out[1]).toMatch(/Start the server once/);
  });

  it('adds an upstream OIDC provider with its secret from the environment, never printed', async () => {
    const test = await startTestServer();
    const secret = 'upstream-secret-1f2e3d4c5b6a';
    const missing = await cli(
      test.dataDir,
      {},
      'idp',
      'add-oidc',
      '--id',
      'okta',
      '--name',
      'Okta',
      '--issuer',
      'https://corp.okta.com/oauth2/default',
      '--client-id',
      'abc',
    );
    expect(missing.code).toBe(1);
    expect(missing.err[0]).toMatch(/needs its client secret/);

    const added = await cli(
      test.dataDir,
      { KEYWAY_IDP_CLIENT_SECRET: secret },
      'idp',
      'add-oidc',
      '--id',
      'okta',
      '--name',
      'Okta',
      '--issuer',
      'https://corp.okta.com/oauth2/default',
      '--client-id',
      'abc',
      '--auth-method',
      'client_secret_post',
    );
    expect(added.err).toEqual([]);
    expect(added.out).toContain(`  Redirect URI:     ${test.origin}/sso/oidc/okta/callback`);
    const listed = await cli(test.dataDir, {}, 'idp', 'list');
    expect([...added.out, ...listed.out].join('\n')).not.toContain(secret);
  });

  it('refuses bad settings with the reason', async () => {
    const dataDir = tempDir();
    const env = { KEYWAY_IDP_CLIENT_SECRET: 's3cret' };
    const insecure = await cli(
      dataDir,
      env,
      'idp',
      'add-oidc',
      '--id',
      'x',
      '--name',
      'X',
      '--issuer',
      'http://idp.example',
      '--client-id',
      'c',
    );
    expect(insecure.err[0]).toMatch(/must use https/);
    const badId = await cli(
      dataDir,
      env,
      'idp',
      'add-oidc',
      '--id',
      'Not OK',
      '--name',
      'X',
      '--issuer',
      'https://idp.example',
      '--client-id',
      'c',
    );
    expect(badId.err[0]).toMatch(/provider id must be 1–32 lower-case letters/);
    const method = await cli(
      dataDir,
      env,
      'idp',
      'add-oidc',
      '--id',
      'x',
      '--name',
      'X',
      '--issuer',
      'https://idp.example',
      '--client-id',
      'c',
      '--auth-method',
      'none',
    );
    expect(method.err[0]).toMatch(/token endpoint auth method must be client_secret_basic or client_secret_post/);

    await cli(
      dataDir,
      env,
      'idp',
      'add-oidc',
      '--id',
      'one',
      '--name',
      'One',
      '--issuer',
      'https://one.example',
      '--client-id',
      'c',
      '--domain',
      'corp.example',
    );
    const taken = await cli(
      dataDir,
      env,
      'idp',
      'add-oidc',
      '--id',
      'two',
      '--name',
      'Two',
      '--issuer',
      'https://two.example',
      '--client-id',
      'c',
      '--domain',
      'corp.example',
    );
    expect(taken.err[0]).toMatch(/corp\.example is routed to "one" already/);

    writeFileSync(path.join(dataDir, 'evil.xml'), '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>');
    const doctype = await cli(dataDir, {}, 'idp', 'add-saml', '--id', 'x', '--name', 'X', '--metadata', 'evil.xml');
    expect(doctype.err[0]).toMatch(/IdP metadata cannot be used: XML with a DOCTYPE is not accepted/);
    const usage = await cli(dataDir, {}, 'idp', 'frobnicate');
    expect(usage.code).toBe(2);
    const unknown = await cli(dataDir, {}, 'idp', 'remove', '--id', 'nobody');
    expect(unknown.err[0]).toMatch(/no identity provider "nobody"/);
  });
});
