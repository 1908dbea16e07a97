import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SessionTokens } from '../../../protocol/api';
import { cli } from './cli-run';
import { ANA, expectProblem, postJson, startServerWithAna } from './server-fixture';

/**
 * Deployment status, profiles and licenses over the real server and the admin CLI (the console calls the
 * same AdminService methods): the landing page and redemption move a deployment's status, the CLI lists,
 * re-sends and revokes, and a pushed profile reaches its users' session answers and nobody else's.
 */

const INSTALLATION = 'installation-aaaaaaaa';

async function signIn(origin: string, loginId: string, password: string) {
  const response = await postJson(origin, '/api/v1/sessions', { loginId, password, installationId: INSTALLATION });
  expect(response.status).toBe(200);
  return SessionTokens.parse(response.body);
}

describe('deployment status over HTTP and the CLI', () => {
  it('sent → opened (landing page) → redeemed with installation and client version; resend and revoke', async () => {
    const { server, origin, dataDir } = await startServerWithAna();
    const first = await server.admin.createDeployment(ANA.loginId);
    expect((await server.admin.listDeployments({ user: ANA.loginId }))[0]).toMatchObject({ state: 'sent' });

    expect((await fetch(first.landingUrl)).status).toBe(200);
    expect((await server.admin.listDeployments())[0]).toMatchObject({ id: first.id, state: 'opened' });

    // A client version that is not one is refused before anything is claimed.
    const bad = await postJson(origin, '/api/v1/deployments/redeem', {
      code: first.code,
      installationId: INSTALLATION,
      clientVersion: '1.0<script>',
    });
    expectProblem(bad, 'invalid_input', 400);
    expect((await server.admin.listDeployments())[0]).toMatchObject({ state: 'opened' });
    const redeemed = await postJson(origin, '/api/v1/deployments/redeem', {
      code: first.code,
      installationId: INSTALLATION,
      clientVersion: '1.4.2',
    });
    expect(redeemed.status).toBe(200);

    const listed = await cli(dataDir, {}, 'deployments', 'list', '--user', ANA.email);
    expect(listed.code).toBe(0);
    expect(listed.out.join('\n')).toMatch(
      new RegExp(`^${first.id}\\s+ana\\s+redeemed\\s.*${INSTALLATION}\\s+1\\.4\\.2`, 'm'),
    );

    // A redeemed deployment is a signed-in client: revoke says what to do instead.
    const refused = await cli(dataDir, {}, 'deployment', 'revoke', '--id', String(first.id));
    expect(refused.code).toBe(1);
    expect(refused.err.join('\n')).toContain('revoke-sessions');

    const second = await server.admin.createDeployment(ANA.loginId);
    const resent = await cli(dataDir, {}, 'deployment', 'resend', '--id', String(second.id));
    expect(resent.code, resent.err.join('\n')).toBe(0);
    expect(resent.out.join('\n')).toContain(`deployment ${second.id} is revoked`);
    // The old code of a re-sent deployment no longer works; its status says revoked.
    const late = await postJson(origin, '/api/v1/deployments/redeem', {
      code: second.code,
      installationId: 'installation-bbbbbbbb',
    });
    expectProblem(late, 'deployment_expired', 410);
    const statuses = await server.admin.listDeployments({ user: ANA.loginId });
    expect(statuses.map((s) => s.state)).toEqual(['sent', 'revoked', 'redeemed']);

    const third = statuses[0];
    const revoked = await cli(dataDir, {}, 'deployment', 'revoke', '--id', String(third?.id));
    expect(revoked.code).toBe(0);
    expect((await server.admin.listDeployments({ user: ANA.loginId }))[0]?.state).toBe('revoked');
    expect((await cli(dataDir, {}, 'deployment', 'revoke', '--id', 'x')).code).toBe(2);
  });
});

describe('deployment profiles and licenses over HTTP and the CLI', () => {
  it("a push reaches the profile's users at their next refresh, not a user outside it; license publish", async () => {
    const { server, origin, dataDir } = await startServerWithAna();
    await server.admin.createUser({
      loginId: 'bo',
      email: 'bo@other.example',
      displayName: 'Bo',
      password: ANA.password,
      sendWelcomeEmail: false,
    });
    const ana = await signIn(origin, ANA.loginId, ANA.password);
    const bo = await signIn(origin, 'bo', ANA.password);
    expect(ana.config).toBeNull();

    const terms = path.join(dataDir, 'terms.txt');
    writeFileSync(terms, 'The terms of version 7.');
    const published = await cli(dataDir, {}, 'license', 'publish', '--version', '7', '--text-file', terms);
    expect(published.code, published.err.join('\n')).toBe(0);
    expect((await cli(dataDir, {}, 'license', 'publish', '--version', '7', '--text-file', terms)).code).toBe(1);
    expect((await cli(dataDir, {}, 'license', 'publish', '--version', '8', '--text-file', 'nope.txt')).code).toBe(2);

    const run = async (...argv: string[]) => {
      const result = await cli(dataDir, {}, ...argv);
      expect(result.code, result.err.join('\n')).toBe(0);
      return result.out.join('\n');
    };
    await run('profile', 'create', '--name', 'Corp', '--language', 'fr', '--update-channel', 'beta');
    await run('profile', 'assign', '--name', 'Corp', '--domain', 'example.com');
    expect(await run('profile', 'push', '--name', 'Corp')).toContain('Reach: 1 user, 0 deployed clients');

    const anaNext = await postJson(origin, '/api/v1/sessions/refresh', { refreshToken: ana.refreshToken });
    const anaTokens = SessionTokens.parse(anaNext.body);
    expect(anaTokens.config).toMatchObject({ profile: 'Corp', settings: { language: 'fr', updateChannel: 'beta' } });
    // Everyone sees the newest published license.
    expect(anaTokens.license).toEqual({ version: '7', text: 'The terms of version 7.' });
    const boNext = SessionTokens.parse(
      (await postJson(origin, '/api/v1/sessions/refresh', { refreshToken: bo.refreshToken })).body,
    );
    expect(boNext.config).toBeNull();
    expect(boNext.license.version).toBe('7');

    // Bo gets a profile of his own, which beats the domain (he has none there anyway) and pins nothing.
    await run('profile', 'create', '--name', 'Bo', '--language', 'de');
    await run('profile', 'assign', '--name', 'Bo', '--user', 'bo');
    expect(await run('profile', 'push', '--name', 'Bo')).toContain('Reach: 1 user');
    expect(await run('profile', 'list')).toMatch(
      /"Corp" \(language fr, updates beta\)\n\s+0 users assigned; domains example\.com/,
    );

    const usage = await cli(dataDir, {}, 'profile', 'edit', '--name', 'Corp', '--language', 'es');
    expect(usage.code).toBe(2);
    expect(usage.err[0]).toBe('error: --language must be en, fr, de or none.');
    const unpublished = await cli(dataDir, {}, 'profile', 'edit', '--name', 'Corp', '--license-version', '9');
    expect(unpublished.code).toBe(1);
    expect(unpublished.err[0]).toContain('License version "9" is not published');
  });
});
