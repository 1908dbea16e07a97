import { describe, expect, it } from 'vitest';
import { DiscoveryResponse, KEYWAY_OIDC_CLIENT_ID } from '../../../protocol/api';
import { DEFAULT_LICENSE } from '../../../server/index';
import { DomainStore } from '../../../server/discovery/domain-store';
import { SignInPolicy } from '../../../server/discovery/sign-in-policy';
import { UserStore } from '../../../server/users/user-store';
import { forEachEngine } from '../../support/engines';
import { ANA, expectProblem, postJson, startServerWithAna } from './server-fixture';
import { gatheredAtWrites, instancesOn, roundRobin } from './store-fixture';

const DISCOVERY = '/api/v1/discovery';

async function discover(origin: string, loginId: string): Promise<DiscoveryResponse> {
  const response = await postJson(origin, DISCOVERY, { loginId });
  expect(response.status, loginId).toBe(200);
  return DiscoveryResponse.parse(response.body);
}

async function rawDiscovery(origin: string, loginId: string): Promise<string> {
  const response = await fetch(`${origin}${DISCOVERY}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ loginId }),
  });
  expect(response.status).toBe(200);
  return `${response.headers.get('content-type') ?? ''}\n${await response.text()}`;
}

describe('home-realm discovery (POST /api/v1/discovery)', () => {
  it('answers password by default, with the server, features and license', async () => {
    const { origin } = await startServerWithAna();
    expect(await discover(origin, ANA.loginId)).toEqual({
      server: { name: 'Keyway reference server', origin },
      signIn: { method: 'password' },
      features: { forgotPassword: false, manualLogin: true },
      license: DEFAULT_LICENSE,
    });
  });

  it('answers an unknown name exactly as a password user, byte for byte', async () => {
    const { origin } = await startServerWithAna();
    const known = await rawDiscovery(origin, ANA.email);
    for (const name of ['nobody', 'nobody@example.com', 'ANA@example.org', 'x'.repeat(254)]) {
      expect(await rawDiscovery(origin, name), name).toBe(known);
    }
  });

  it('sends a user switched to unified login to the OpenID Provider, by any of their names', async () => {
    const { origin, server } = await startServerWithAna();
    await server.admin.setSignInMethod(ANA.loginId, 'oidc');
    for (const name of [ANA.loginId, 'Ana@Example.com', ANA.aliases[0]]) {
      expect((await discover(origin, name)).signIn, name).toEqual({
        method: 'oidc',
        issuer: server.issuer,
        clientId: KEYWAY_OIDC_CLIENT_ID,
      });
    }
    expect((await discover(origin, 'bob@example.com')).signIn).toEqual({ method: 'password' });

    // Password sign-in is closed to them; the answer is the usual one.
    const api = await postJson(origin, '/api/v1/sessions', { loginId: ANA.loginId, password: ANA.password });
    expectProblem(api, 'invalid_credentials', 401);

    await server.admin.setSignInMethod(ANA.email, 'password');
    expect((await discover(origin, ANA.loginId)).signIn).toEqual({ method: 'password' });
  });

  it('sends everyone in a switched domain to the OpenID Provider, known or not, UPN aliases included', async () => {
    const { origin, server } = await startServerWithAna();
    await server.admin.createUser({
      loginId: 'bob',
      email: 'bob@corp.example',
      displayName: 'Bob Example',
      password: 'a long enough passphrase',
      sendWelcomeEmail: false,
    });
    await server.admin.setDomainSignInMethod('Corp.Example', 'oidc');
    const oidc = { method: 'oidc', issuer: server.issuer, clientId: KEYWAY_OIDC_CLIENT_ID };
    for (const name of ['bob', 'BOB@corp.example', 'nobody@corp.example', 'someone@CORP.EXAMPLE']) {
      expect((await discover(origin, name)).signIn, name).toEqual(oidc);
    }
    for (const name of ['ana', 'nobody@example.com', 'corp.example', 'x@sub.corp.example']) {
      expect((await discover(origin, name)).signIn, name).toEqual({ method: 'password' });
    }

    // Ana's UPN alias is in another domain; switching it moves Ana, whichever name she types.
    await server.admin.setDomainSignInMethod('corp.onmicrosoft.com', 'oidc');
    for (const name of [ANA.loginId, ANA.email, ANA.aliases[0], 'stranger@corp.onmicrosoft.com']) {
      expect((await discover(origin, name)).signIn, name).toEqual(oidc);
    }
    // The deployment of a unified-login user leads to OIDC too.
    const { code } = await server.admin.createDeployment(ANA.loginId);
    const redeemed = await postJson(origin, '/api/v1/deployments/redeem', {
      code,
      installationId: 'installation-aaaaaaaa',
    });
    // The redemption alone adds the installation's enrolment ticket (server/mfa/enrolment.ts).
    const { enrolmentTicket, ...signIn } = (redeemed.body as { signIn: { enrolmentTicket?: unknown } }).signIn;
    expect(signIn).toEqual(oidc);
    expect(enrolmentTicket).toMatch(/^[A-Za-z0-9_-]{43}$/);

    await server.admin.setDomainSignInMethod('corp.example', 'password');
    expect((await discover(origin, 'nobody@corp.example')).signIn).toEqual({ method: 'password' });
  });

  it('validates the request with a problem+json naming the field', async () => {
    const { origin } = await startServerWithAna();
    expectProblem(await postJson(origin, DISCOVERY, {}), 'invalid_input', 400);
    const spaced = expectProblem(await postJson(origin, DISCOVERY, { loginId: 'ana example' }), 'invalid_input', 400);
    expect(spaced.detail).toContain('"loginId"');
    const extra = expectProblem(
      await postJson(origin, DISCOVERY, { loginId: 'ana', password: 'x' }),
      'invalid_input',
      400,
    );
    expect(extra.detail).toContain('"password"');
    expectProblem(await postJson(origin, DISCOVERY, { loginId: 'a'.repeat(255) }), 'invalid_input', 400);
  });

  it('limits lookups per source address', async () => {
    const { origin } = await startServerWithAna({ limits: { discoveryPerSourcePerMinute: 3 } });
    for (let attempt = 1; attempt <= 3; attempt++) await discover(origin, `user-${attempt}`);
    const limited = await postJson(origin, DISCOVERY, { loginId: ANA.loginId });
    const problem = expectProblem(limited, 'rate_limited', 429);
    expect(limited.headers.get('retry-after')).toBe(String(problem.retryAfter));
  });
});

forEachEngine('sign-in domains and policy', (open, engine) => {
  const identity = { name: 'Test', origin: 'https://id.example', license: DEFAULT_LICENSE };

  it('decides password or unified login by the user, any of their names’ domains, or the typed domain', async () => {
    const storage = await open();
    const users = new UserStore(storage, () => 1_000);
    const domains = new DomainStore(storage, () => 2_000);
    const policy = new SignInPolicy(storage, identity);
    const ana = await users.create({
      loginId: 'ana',
      email: 'ana@example.com',
      displayName: 'Ana',
      passwordHash: 'x',
      aliases: ['ana@corp.onmicrosoft.com'],
    });
    await users.create({
      loginId: 'bob',
      email: 'bob@example.com',
      displayName: 'Bob',
      passwordHash: 'x',
      aliases: [],
    });
    expect(await policy.kindForName('ana')).toBe('password');
    expect(await policy.methodForName('nobody@corp.onmicrosoft.com')).toEqual({ method: 'password' });

    // A domain of one of Ana's names switches her by every name; an unknown name in it too; Bob not.
    expect(await domains.switchToOidc('corp.onmicrosoft.com')).toBe(true);
    for (const name of ['ana', 'ANA@example.com', 'nobody@corp.onmicrosoft.com']) {
      expect(await policy.methodForName(name), name).toEqual({
        method: 'oidc',
        issuer: 'https://id.example/oidc',
        clientId: KEYWAY_OIDC_CLIENT_ID,
      });
    }
    expect(await policy.kindForName('bob')).toBe('password');
    expect(await policy.kindForName('someone@example.com')).toBe('password');

    // Back to passwords; then the user alone, then a domain routed to an enterprise identity provider.
    expect(await domains.switchToPassword('corp.onmicrosoft.com')).toBe(true);
    expect(await policy.kindForUser(ana)).toBe('password');
    await users.setSignInMethod(ana.id, 'oidc');
    expect(await policy.kindForName('Ana@Corp.onmicrosoft.com')).toBe('oidc');
    expect(await policy.kindForName('nobody@corp.onmicrosoft.com')).toBe('password');
    await storage
      .q()
      .insertInto('identity_providers')
      .values({
        id: 'idp',
        display_name: 'IdP',
        kind: 'saml',
        config: '{}',
        sealed_secret: null,
        jit: 0,
        password_beside: 0,
        created_at: 0,
        updated_at: 0,
      })
      .execute();
    await storage
      .q()
      .insertInto('identity_provider_domains')
      .values({ domain: 'example.com', provider_id: 'idp' })
      .execute();
    expect(await policy.kindForName('bob')).toBe('oidc');
    expect(await policy.kindForName('nobody@example.com')).toBe('oidc');
  });

  it('of concurrent switches of one domain (several instances), exactly one reports a change', async () => {
    const instances = await instancesOn(engine);
    const storeOf = roundRobin(
      instances.map((storage) => new DomainStore(storage, () => 3_000)) as [DomainStore, ...DomainStore[]],
    );
    const switched = await gatheredAtWrites(instances[0], 'sign_in_domains', 6, () =>
      Promise.all(Array.from({ length: 6 }, (_, index) => storeOf(index).switchToOidc('corp.example'))),
    );
    expect(switched.filter(Boolean)).toHaveLength(1);
    expect(await storeOf(0).list()).toEqual([{ domain: 'corp.example', method: 'oidc', updatedAt: new Date(3_000) }]);
    const back = await gatheredAtWrites(instances[0], 'sign_in_domains', 6, () =>
      Promise.all(Array.from({ length: 6 }, (_, index) => storeOf(index).switchToPassword('corp.example'))),
    );
    expect(back.filter(Boolean)).toHaveLength(1);
    expect(await storeOf(1).list()).toEqual([]);
  });
});
