import { randomUUID } from 'node:crypto';
import { describe, expect, it, onTestFinished } from 'vitest';
import { DeploymentConfig, DiscoveryResponse, KEYWAY_OIDC_CLIENT_ID, SessionTokens } from '../../../protocol/api';
import { MfaRequired } from '../../../protocol/mfa';
import { startSmtpSink, type SmtpSink } from '../../support/smtp-sink';
import { openTestStorage } from '../../support/stored-data';
import { cli } from './cli-run';
import { authorize, keywayClient, submitSignIn } from './oidc-fixture';
import { ANA, expectProblem, postJson, startServerWithAna, type TestServer } from './server-fixture';

/**
 * Issue 18: a pushed deployment profile's sign-in method and MFA policy are enforced by the server, for
 * users it is assigned to directly or through their e-mail domain, on SQLite and (integration-postgres)
 * PostgreSQL. The MFA policy a user must meet is the stricter of the server's and the profile's
 * (server/mfa/policy.ts effectiveMfaPolicy); a profile's `oidc` sign-in closes the password API to its
 * users with the same refusal as the per-user switch (invalid_credentials).
 */

const REDIRECT = 'http://127.0.0.1:49152/callback';

/** The reset link in the first reset e-mail the sink receives (mail leaves after the answer). */
async function resetLinkIn(sink: SmtpSink): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const mail = sink.messages.find((each) => each.subject?.startsWith('Reset your password') === true);
    const link = /(http:\/\/127\.0\.0\.1:\d+\/password-reset\?token=[A-Za-z0-9_-]+)/.exec(mail?.text ?? '')?.[1];
    if (link !== undefined) return link;
    if (Date.now() > deadline) throw new Error('No reset e-mail arrived.');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const passwordSignIn = (test: TestServer) =>
  postJson(test.origin, '/api/v1/sessions', { loginId: ANA.loginId, password: ANA.password });

/** The password alone signed in: the answer is a session, not a challenge. */
async function signsInWithPasswordAlone(test: TestServer): Promise<boolean> {
  const answer = await passwordSignIn(test);
  expect(answer.status).toBe(200);
  if (SessionTokens.safeParse(answer.body).success) return true;
  MfaRequired.parse(answer.body);
  return false;
}

async function discover(test: TestServer, loginId: string): Promise<DiscoveryResponse> {
  const answer = await postJson(test.origin, '/api/v1/discovery', { loginId });
  expect(answer.status, loginId).toBe(200);
  return DiscoveryResponse.parse(answer.body);
}

async function rawDiscovery(test: TestServer, loginId: string): Promise<string> {
  const response = await fetch(`${test.origin}/api/v1/discovery`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ loginId }),
  });
  return `${response.status}\n${await response.text()}`;
}

/** Creates, assigns and pushes a profile. */
async function pushedProfile(
  test: TestServer,
  name: string,
  change: Parameters<TestServer['server']['admin']['createProfile']>[1],
  to: { user: string } | { domain: string },
): Promise<void> {
  await test.server.admin.createProfile(name, change);
  await test.server.admin.assignProfile(name, to);
  await test.server.admin.pushProfile(name);
}

describe('a deployment profile requiring MFA', () => {
  it("when the server's channels later share none with the profile's: still challenged, on the server's channels", async () => {
    const test = await startServerWithAna();
    await test.server.admin.setMfaPolicy({ channels: 'totp,email' });
    await pushedProfile(test, 'Apps only', { mfaMode: 'enforced', mfaChannels: 'totp' }, { user: ANA.loginId });
    expect(MfaRequired.parse((await passwordSignIn(test)).body).channels.map((each) => each.channel)).toEqual(['totp']);
    // The server's admin takes authenticator apps away for everyone (allowed: it may be an emergency).
    await test.server.admin.setMfaPolicy({ channels: 'email' });
    // Never signed in with the password alone (MFA stays enforced) ...
    expect(await signsInWithPasswordAlone(test)).toBe(false);
    // ... and never left without a way in: the server's channels apply, and e-mail works for sending and
    // checking a code (a wrong code is wrong, not a channel refused).
    const challenge = MfaRequired.parse((await passwordSignIn(test)).body);
    expect(challenge.channels.map((each) => each.channel)).toEqual(['email']);
    const send = await postJson(test.origin, '/api/v1/mfa/send', {
      challengeId: challenge.challengeId,
      channel: 'email',
    });
    expect(send.status).toBeLessThan(300);
    const verify = await postJson(test.origin, '/api/v1/mfa/verify', {
      challengeId: challenge.challengeId,
      channel: 'email',
      code: '000000',
    });
    expectProblem(verify, 'mfa_code_invalid', 401);
  });

  it('attack: the password alone no longer signs in, by user or by domain; removing it restores the server policy', async () => {
    const test = await startServerWithAna();
    // The server's policy is optional and Ana has no factor: the password alone is enough.
    expect(await signsInWithPasswordAlone(test)).toBe(true);

    await pushedProfile(test, 'Strict', { mfaMode: 'enforced' }, { user: ANA.loginId });
    const challenged = MfaRequired.parse((await passwordSignIn(test)).body);
    expect(challenged.channels.map((each) => each.channel)).toEqual(['totp']);
    expect(await signsInWithPasswordAlone(test)).toBe(false);

    expect(await test.server.admin.unassignProfile({ user: ANA.loginId })).toBe(true);
    expect(await signsInWithPasswordAlone(test)).toBe(true);

    // The same profile through her e-mail domain.
    await test.server.admin.assignProfile('Strict', { domain: 'example.com' });
    expect(await signsInWithPasswordAlone(test)).toBe(false);
    expect(await test.server.admin.unassignProfile({ domain: 'example.com' })).toBe(true);
    expect(await signsInWithPasswordAlone(test)).toBe(true);
  });

  it('applies only once pushed: a draft changes nothing, and an edit applies at the next push', async () => {
    const test = await startServerWithAna();
    await test.server.admin.createProfile('Draft', { mfaMode: 'enforced' });
    await test.server.admin.assignProfile('Draft', { user: ANA.loginId });
    expect(await signsInWithPasswordAlone(test)).toBe(true);
    await test.server.admin.pushProfile('Draft');
    expect(await signsInWithPasswordAlone(test)).toBe(false);
    await test.server.admin.editProfile('Draft', { mfaMode: null });
    expect(await signsInWithPasswordAlone(test)).toBe(false);
    await test.server.admin.pushProfile('Draft');
    expect(await signsInWithPasswordAlone(test)).toBe(true);
  });

  it('attack: cannot relax the server enforced MFA, and a channel only the server allows is refused', async () => {
    const test = await startServerWithAna();
    await test.server.admin.setMfaPolicy({ mode: 'enforced', channels: 'totp,email' });
    await pushedProfile(test, 'Apps only', { mfaMode: 'optional', mfaChannels: 'totp' }, { user: ANA.loginId });

    // Still challenged (the server enforces MFA), and offered only the channel both allow.
    const challenge = MfaRequired.parse((await passwordSignIn(test)).body);
    expect(challenge.channels.map((each) => each.channel)).toEqual(['totp']);
    // E-mail, which only the server allows, is refused for sending and for checking a code, before any code
    // is looked at.
    const send = await postJson(test.origin, '/api/v1/mfa/send', {
      challengeId: challenge.challengeId,
      channel: 'email',
    });
    expectProblem(send, 'mfa_channel_not_allowed', 403);
    const verify = await postJson(test.origin, '/api/v1/mfa/verify', {
      challengeId: challenge.challengeId,
      channel: 'email',
      code: '123456',
    });
    expectProblem(verify, 'mfa_channel_not_allowed', 403);

    // Without the profile, the server's channels are back.
    await test.server.admin.unassignProfile({ user: ANA.loginId });
    const server = MfaRequired.parse((await passwordSignIn(test)).body);
    expect(server.channels.map((each) => each.channel)).toEqual(['totp', 'email']);
  });

  it('attack: on the OpenID Provider pages too, the password alone does not reach the app', async () => {
    const test = await startServerWithAna();
    const config = await keywayClient(test.server.issuer);
    const signIn = async () => {
      const started = await authorize(config, test.origin, { redirectUri: REDIRECT, loginHint: ANA.loginId });
      return (await submitSignIn(started, test.origin, ANA.password)).url;
    };
    expect(await signIn()).toMatch(/^http:\/\/127\.0\.0\.1:49152\/callback\?/);

    await pushedProfile(test, 'Strict', { signInMethod: 'oidc', mfaMode: 'enforced' }, { domain: 'example.com' });
    const stopped = await signIn();
    expect(stopped.startsWith(`${test.origin}/oidc/interaction/`)).toBe(true);

    await test.server.admin.unassignProfile({ domain: 'example.com' });
    expect(await signIn()).toMatch(/^http:\/\/127\.0\.0\.1:49152\/callback\?/);
  });
});

describe('a deployment profile for unified login only', () => {
  it('attack: refuses her password sign-in with invalid_credentials, and discovery sends her to the provider', async () => {
    const test = await startServerWithAna();
    const oidc = { method: 'oidc', issuer: test.server.issuer, clientId: KEYWAY_OIDC_CLIENT_ID };
    await pushedProfile(test, 'Unified', { signInMethod: 'oidc' }, { user: ANA.loginId });
    for (const name of [ANA.loginId, ANA.email, ANA.aliases[0]])
      expect((await discover(test, name)).signIn, name).toEqual(oidc);
    expectProblem(await passwordSignIn(test), 'invalid_credentials', 401);

    expect(await test.server.admin.unassignProfile({ user: ANA.loginId })).toBe(true);
    expect((await discover(test, ANA.loginId)).signIn).toEqual({ method: 'password' });
    expect(await signsInWithPasswordAlone(test)).toBe(true);
  });

  it('by domain: known and unknown names of the domain get the same answer; her own profile still beats it', async () => {
    const test = await startServerWithAna();
    const oidc = { method: 'oidc', issuer: test.server.issuer, clientId: KEYWAY_OIDC_CLIENT_ID };
    await pushedProfile(test, 'Unified', { signInMethod: 'oidc' }, { domain: 'example.com' });
    expectProblem(await passwordSignIn(test), 'invalid_credentials', 401);
    for (const name of [ANA.loginId, 'nobody@example.com', 'NOBODY@Example.com'])
      expect((await discover(test, name)).signIn, name).toEqual(oidc);
    // An account in the domain is not told apart from a name no one has.
    expect(await rawDiscovery(test, 'nobody@example.com')).toBe(await rawDiscovery(test, ANA.email));
    expect((await discover(test, 'nobody@example.org')).signIn).toEqual({ method: 'password' });

    // Her own assignment beats her domain's (the profile rule), so a password profile of her own brings
    // the password back for her alone.
    await pushedProfile(test, 'Password', { signInMethod: 'password' }, { user: ANA.loginId });
    expect(await signsInWithPasswordAlone(test)).toBe(true);
    expect((await discover(test, 'nobody@example.com')).signIn).toEqual(oidc);

    await test.server.admin.unassignProfile({ domain: 'example.com' });
    expect((await discover(test, 'nobody@example.com')).signIn).toEqual({ method: 'password' });
  });

  it("does not take back a user's own switch to unified login (unified login wins whichever source asks)", async () => {
    const test = await startServerWithAna();
    await test.server.admin.setSignInMethod(ANA.loginId, 'oidc');
    await pushedProfile(test, 'Password', { signInMethod: 'password' }, { user: ANA.loginId });
    expect((await discover(test, ANA.loginId)).signIn.method).toBe('oidc');
    expectProblem(await passwordSignIn(test), 'invalid_credentials', 401);
  });
});

describe("a deployment profile's features", () => {
  /** Reset links issued to Ana so far (made before the answer, so no waiting for mail). */
  async function resetLinksOfAna(test: TestServer): Promise<number> {
    const storage = await openTestStorage(test);
    const rows = await storage
      .q()
      .selectFrom('password_reset_links')
      .innerJoin('users', 'users.id', 'password_reset_links.user_id')
      .select('password_reset_links.user_id')
      .where('users.login_id', '=', ANA.loginId)
      .execute();
    return rows.length;
  }

  it('forgot-password off: no reset link for its users (same answer), their redeemed features say so; off again without it', async () => {
    const test = await startServerWithAna();
    await test.server.admin.setPasswordResetPolicy({ enabled: true });
    const request = () => postJson(test.origin, '/api/v1/password-reset', { loginId: ANA.loginId });
    const redeemedFeatures = async () => {
      const { code } = await test.server.admin.createDeployment(ANA.loginId);
      const answer = await postJson(test.origin, '/api/v1/deployments/redeem', {
        code,
        installationId: `installation-${randomUUID()}`,
      });
      return DeploymentConfig.parse(answer.body).features;
    };
    expect((await redeemedFeatures()).forgotPassword).toBe(true);

    await pushedProfile(test, 'No reset', { forgotPassword: false }, { domain: 'example.com' });
    const refusedAnswer = await request();
    expect(refusedAnswer.status).toBe(202);
    expect(await resetLinksOfAna(test)).toBe(0);
    expect((await redeemedFeatures()).forgotPassword).toBe(false);

    await test.server.admin.unassignProfile({ domain: 'example.com' });
    const answer = await request();
    // The same answer with or without the profile: it tells nobody which profile an account has.
    expect(answer.body).toEqual(refusedAnswer.body);
    expect(await resetLinksOfAna(test)).toBe(1);
    expect((await redeemedFeatures()).forgotPassword).toBe(true);

    // A profile cannot offer what the server does not.
    await test.server.admin.setPasswordResetPolicy({ enabled: false });
    await pushedProfile(test, 'Reset', { forgotPassword: true }, { user: ANA.loginId });
    expect((await redeemedFeatures()).forgotPassword).toBe(false);
  });

  it('attack: a reset link sent before the profile turned forgot-password off stops working with it', async () => {
    const sink = await startSmtpSink();
    onTestFinished(() => sink.close());
    const test = await startServerWithAna({ smtp: { host: '127.0.0.1', port: sink.port, insecure: true } });
    await test.server.admin.setPasswordResetPolicy({ enabled: true });
    expect((await postJson(test.origin, '/api/v1/password-reset', { loginId: ANA.loginId })).status).toBe(202);
    const link = await resetLinkIn(sink);
    const page = async () => (await fetch(link)).status;
    expect(await page()).toBe(200);

    await pushedProfile(test, 'No reset', { forgotPassword: false }, { user: ANA.loginId });
    expect(await page()).toBe(403);
    await test.server.admin.unassignProfile({ user: ANA.loginId });
    expect(await page()).toBe(200);
  });
});

describe('the admin CLI', () => {
  it("refuses a profile that enforces MFA on channels the server allows none of, through the console's check", async () => {
    const test = await startServerWithAna(); // the server allows totp only
    const run = (...argv: string[]) => cli(test.dataDir, {}, ...argv);
    const refused = await run('profile', 'create', '--name', 'Texts', '--mfa', 'enforced', '--mfa-channels', 'sms');
    expect(refused.code).not.toBe(0);
    expect(refused.err.join('\n')).toContain(
      'The profile setting "mfaChannels" (--mfa-channels sms) shares no channel with the server\'s MFA policy (totp) while MFA is enforced',
    );
    // Refused as a whole: no profile was made.
    expect(await test.server.admin.listProfiles()).toEqual([]);

    expect((await run('profile', 'create', '--name', 'Texts', '--mfa-channels', 'sms')).code).toBe(0);
    const enforce = await run('profile', 'edit', '--name', 'Texts', '--mfa', 'enforced');
    expect(enforce.code).not.toBe(0);
    expect(enforce.err.join('\n')).toContain('--mfa-channels sms');
    expect((await test.server.admin.listProfiles())[0]?.settings).toEqual({ mfaChannels: 'sms' });
    // The server enforcing MFA counts too: the draft cannot be pushed.
    await test.server.admin.setMfaPolicy({ mode: 'enforced' });
    expect((await run('profile', 'push', '--name', 'Texts')).code).not.toBe(0);
    expect((await test.server.admin.listProfiles())[0]?.pushed).toBeNull();
    expect((await run('profile', 'edit', '--name', 'Texts', '--mfa-channels', 'totp,sms')).code).toBe(0);
    expect((await run('profile', 'push', '--name', 'Texts')).code).toBe(0);
    // The server's policy may still shrink afterwards, but the CLI says whose channels it leaves empty.
    const shrink = await run('set-mfa-policy', '--channels', 'email');
    expect(shrink.code).toBe(0);
    expect(shrink.out.join('\n')).toContain('Warning: the MFA channels of profile "Texts" share none with these');
    const again = await run('set-mfa-policy', '--channels', 'email,sms');
    expect(again.out.join('\n')).not.toContain('Warning: the MFA channels');
  });
  it('sets a profile MFA channels in the fixed order, clears them with none, and names the option when wrong', async () => {
    const test = await startServerWithAna();
    const run = (...argv: string[]) => cli(test.dataDir, {}, ...argv);
    const created = await run(
      'profile',
      'create',
      '--name',
      'Corp',
      '--mfa',
      'enforced',
      '--mfa-channels',
      'passkey, TOTP',
    );
    expect(created.code).toBe(0);
    expect(created.out.join('\n')).toContain('MFA enforced, MFA channels totp,passkey');
    const wrong = await run('profile', 'edit', '--name', 'Corp', '--mfa-channels', 'fax');
    expect(wrong.code).not.toBe(0);
    expect(wrong.err.join('\n')).toContain('--mfa-channels');
    expect((await test.server.admin.listProfiles())[0]?.settings).toEqual({
      mfaMode: 'enforced',
      mfaChannels: 'totp,passkey',
    });
    expect((await run('profile', 'edit', '--name', 'Corp', '--mfa-channels', 'none')).code).toBe(0);
    expect((await test.server.admin.listProfiles())[0]?.settings).toEqual({ mfaMode: 'enforced' });
  });
});
