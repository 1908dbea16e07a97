import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionTokens } from '../../../protocol/api';
import { VerifiedSession } from '../../../protocol/mfa';
import type { AdminService } from '../../../server/admin/admin-service';
import { openAdminService } from '../../../server/admin/open-admin';
import { runCli } from '../../../server/cli/run-cli';
import { createPostgresDatabase } from '../../support/postgres';
import { startCluster, type InstanceCluster } from '../../support/instance-cluster';
import { startSamlIdp } from '../../support/saml-idp';
import { startSmtpSink, type SmtpSink } from '../../support/smtp-sink';
import { firstText, heading } from '../../support/html';
import { formOn, keywayAuthorization } from '../../support/sso-browser';
import { challenged, enroll, INSTALLATION, totpCode, verify } from './mfa-fixture';
import { keywayClient, signInWithOidc } from './oidc-fixture';
import { ANA, expectProblem, getJson, postJson } from './server-fixture';
import { Browser, PageBrowser } from '../../support/browser';

/**
 * Issue 16: three stateless instances on one PostgreSQL behave as one server. Each instance is its own
 * process with its own data dir (test/support/server-instances.ts), so a journey whose steps land on
 * different instances can only succeed through what the database shares.
 */
const BOB = { loginId: 'bob', email: 'bob@example.com', displayName: 'Bob Example', password: 'bob-password-2026-x' };
const CAROL = {
  loginId: 'carol',
  email: 'carol@example.com',
  displayName: 'Carol Example',
  password: 'carol-password-2026-x',
};
const RESET_LINK = /(http:\/\/\S+\/password-reset\?token=([A-Za-z0-9_-]+))/;

let database: { url: string; drop: () => Promise<void> };
let cluster: InstanceCluster;
let sink: SmtpSink;
let adminDir: string;
let admin: AdminService;

beforeAll(async () => {
  database = await createPostgresDatabase();
  sink = await startSmtpSink();
  adminDir = mkdtempSync(path.join(os.tmpdir(), 'keyway-multi-admin-'));
  const quiet = { out: () => undefined, err: () => undefined, env: {}, cwd: adminDir };
  // One schema change before the rollout, as docs/scale-out.md says; no instance migrates.
  expect(await runCli(['migrate', '--database', database.url], quiet)).toBe(0);
  cluster = await startCluster(3, {
    databaseUrl: database.url,
    args: ['--smtp-url', `smtp://127.0.0.1:${String(sink.port)}`, '--smtp-insecure'],
    // The balancer (and this test, talking to an instance directly) is on loopback: its X-Forwarded-For
    // names the source, so the per-source test below has a source (and a budget) of its own.
    env: { KEYWAY_TRUSTED_PROXIES: 'loopback' },
  });
  admin = await openAdminService({ dataDir: adminDir, database: { engine: 'postgres', url: database.url } });
  for (const user of [ANA, BOB, CAROL]) await admin.createUser({ ...user, sendWelcomeEmail: false });
}, 120_000);

afterAll(async () => {
  admin.close();
  await cluster.close();
  await sink.close();
  await database.drop();
  rmSync(adminDir, { recursive: true, force: true });
});

/** The instance origins, each request of a journey to the next one. */
function spread(): () => string {
  let next = 0;
  return () => {
    const live = cluster.instances.filter(
      (instance) => instance.child.exitCode === null && instance.child.signalCode === null,
    );
    const instance = live[next % live.length];
    next += 1;
    if (instance === undefined) throw new Error('No instance left.');
    return instance.origin;
  };
}

describe('three instances on one PostgreSQL', () => {
  it('a deployment code redeemed on one instance is used on the others', async () => {
    const { code } = await admin.createDeployment(BOB.loginId);
    const [a, b, c] = cluster.instances.map((instance) => instance.origin);
    const first = await postJson(a ?? '', '/api/v1/deployments/redeem', {
      code,
      installationId: 'installation-multi-aaaa',
    });
    expect(first.status).toBe(200);
    expectProblem(
      await postJson(b ?? '', '/api/v1/deployments/redeem', { code, installationId: 'installation-multi-bbbb' }),
      'deployment_used',
      409,
    );
    // The same installation asking again (a lost answer) is told the same thing by any instance.
    const again = await postJson(c ?? '', '/api/v1/deployments/redeem', {
      code,
      installationId: 'installation-multi-aaaa',
    });
    expect(again.status).toBe(200);
  });

  it('password sign-in, /me, refresh and reuse detection, each on another instance', async () => {
    const next = spread();
    const first = SessionTokens.parse(
      (await postJson(next(), '/api/v1/sessions', { loginId: BOB.loginId, password: BOB.password })).body,
    );
    const me = await getJson(next(), '/api/v1/me', { authorization: `Bearer ${first.accessToken}` });
    expect(me.status).toBe(200);
    const second = SessionTokens.parse(
      (await postJson(next(), '/api/v1/sessions/refresh', { refreshToken: first.refreshToken })).body,
    );
    expect(second.refreshToken).not.toBe(first.refreshToken);
    // A thief replays the first token on another instance: the whole family ends everywhere.
    expectProblem(
      await postJson(next(), '/api/v1/sessions/refresh', { refreshToken: first.refreshToken }),
      'session_invalid',
      401,
    );
    expectProblem(
      await postJson(next(), '/api/v1/sessions/refresh', { refreshToken: second.refreshToken }),
      'session_invalid',
      401,
    );
  });

  it('MFA: challenge on one instance, enrolment on the second, verification on the third', async () => {
    await admin.setMfaPolicy({ mode: 'enforced', channels: 'totp' });
    try {
      const [a, b, c] = cluster.instances.map((instance) => instance.origin);
      const { code } = await admin.createDeployment(ANA.loginId);
      expect(
        (await postJson(a ?? '', '/api/v1/deployments/redeem', { code, installationId: INSTALLATION })).status,
      ).toBe(200);
      const required = await challenged(b ?? '');
      const { secret } = await enroll(c ?? '', required.challengeId);
      const answer = await verify(a ?? '', {
        challengeId: required.challengeId,
        channel: 'totp',
        code: totpCode(secret, { now: Date.now }),
      });
      expect(answer.status).toBe(200);
      VerifiedSession.parse(answer.body);
      // The challenge was single-use on every instance, not only on the one that verified it.
      expect(
        (await verify(b ?? '', { challengeId: required.challengeId, channel: 'totp', code: '000000' })).status,
      ).not.toBe(200);
    } finally {
      await admin.setMfaPolicy({ mode: 'optional' });
    }
  });

  it('the whole OpenID Connect code flow through the round-robin balancer', async () => {
    const from = cluster.served().length;
    const config = await keywayClient(`${cluster.origin}/oidc`);
    const tokens = await signInWithOidc(config, cluster.origin, CAROL.password, {
      redirectUri: 'http://127.0.0.1:49152/callback',
      loginHint: CAROL.email,
    });
    expect(tokens.claims()?.email).toBe(CAROL.email);
    const flow = cluster.served().slice(from);
    // Discovery, authorization, the interaction pages, the login POST, the resume and the token
    // request: every instance served part of it, and no two requests in a row hit the same one.
    expect(new Set(flow).size).toBe(3);
    for (let index = 1; index < flow.length; index += 1) expect(flow[index]).not.toBe(flow[index - 1]);
  });

  it('password reset: requested on one instance, the link opened on another, the form sent to a third', async () => {
    await admin.setPasswordResetPolicy({ enabled: true });
    const before = sink.messages.length;
    const from = cluster.served().length;
    // Through the balancer (the pages check the Origin a browser sends, which is the public origin):
    // the request, the page and the form land on three different instances.
    expect((await postJson(cluster.origin, '/api/v1/password-reset', { loginId: CAROL.loginId })).status).toBe(202);
    const mail = await waitFor(() => sink.messages.slice(before).find((each) => RESET_LINK.test(each.text ?? '')));
    const link = RESET_LINK.exec(mail.text ?? '')?.[1] ?? '';
    const browser = new PageBrowser(cluster.origin);
    const form = await browser.get(link);
    expect(heading(form.html)).toBe('Choose a new password');
    const changed = await browser.submit(form, '/password-reset', {
      password: 'carol-new-password-2026',
      confirm: 'carol-new-password-2026',
    });
    expect(heading(changed.html)).toBe('Your password was changed');
    expect(new Set(cluster.served().slice(from, from + 3)).size).toBe(3);
    const [a] = cluster.instances;
    expect(
      (
        await postJson(a?.origin ?? '', '/api/v1/sessions', {
          loginId: CAROL.loginId,
          password: 'carol-new-password-2026',
        })
      ).status,
    ).toBe(200);
  });

  it('ten wrong passwords spread over the three instances lock the account on all of them', async () => {
    const next = spread();
    for (let attempt = 1; attempt <= 9; attempt += 1) {
      expectProblem(
        await postJson(next(), '/api/v1/sessions', { loginId: ANA.loginId, password: 'wrong password' }),
        'invalid_credentials',
        401,
      );
    }
    // The tenth failure, on whichever instance, is the one that locks: each instance saw only three.
    expectProblem(
      await postJson(next(), '/api/v1/sessions', { loginId: ANA.loginId, password: 'wrong password' }),
      'account_locked',
      423,
    );
    for (const instance of cluster.instances) {
      expectProblem(
        await postJson(instance.origin, '/api/v1/sessions', { loginId: ANA.loginId, password: ANA.password }),
        'account_locked',
        423,
      );
    }
  });

  it('the per-source sign-in limit holds across the instances: the 31st attempt in a minute is refused wherever it lands', async () => {
    const next = spread();
    let tried = 0;
    // A different unknown account each time: no account's own failure count (ten locks one) gets involved.
    const attempt = async (): Promise<number> => {
      tried += 1;
      const response = await fetch(`${next()}/api/v1/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.7' },
        body: JSON.stringify({ loginId: `nobody${String(tried)}`, password: 'not a password of anyone' }),
      });
      await response.arrayBuffer();
      return response.status;
    };
    // DEFAULT_LIMITS.signInPerSourcePerMinute is 30: ten per instance are all allowed (unknown account: 401).
    for (let index = 0; index < 30; index += 1) expect(await attempt()).toBe(401);
    // The budget is shared: every instance now refuses this source, though each saw only ten attempts.
    for (let index = 0; index < 3; index += 1) expect(await attempt()).toBe(429);
  });

  it('a SAML assertion accepted by one instance is refused as a replay by the others', async () => {
    const idp = await startSamlIdp({ spMetadataUrl: () => `${cluster.origin}/sso/saml/corp/metadata` });
    try {
      await admin.identityProviders.addSaml({ id: 'corp', displayName: 'Corp SSO', metadataXml: idp.metadataXml });
      const callback = 'http://127.0.0.1:1/callback';
      const atIdp = (url: URL): boolean => url.origin === idp.origin;
      // Keyway opens the authorization request; the user picks "Login with Corp SSO"; the IdP answers.
      const signInAtIdp = async (browser: Browser) => {
        const authorization = await keywayAuthorization(`${cluster.origin}/oidc`, { redirectUri: callback });
        let landed = await browser.follow(await browser.get(authorization.url), atIdp);
        if (!atIdp(landed.url)) {
          const button = formOn(await landed.response.text(), landed.url, /\/sso\/corp$/);
          landed = await browser.follow(await browser.post(button.action, button.fields), atIdp);
        }
        const request = await idp.receive(landed.url);
        return idp.respond(
          request,
          { nameId: CAROL.email, email: CAROL.email, displayName: CAROL.displayName },
          {
            assertionId: '_multi-instance-assertion',
          },
        );
      };
      const refusedAsReplay = async (landed: { response: Response; url: URL }) => {
        expect(landed.url.href.startsWith(callback)).toBe(false);
        expect(landed.response.status).toBe(409);
        const page = await landed.response.text();
        const alert = firstText(page, 'p.error[role="alert"][data-code="sso_replayed"]');
        expect(alert ?? '').toMatch(/has been used before/);
      };

      const browser = new Browser();
      const answer = await signInAtIdp(browser);
      const from = cluster.served().length;
      const first = await browser.follow(await browser.post(answer.acsUrl, answer.form), (url) =>
        url.href.startsWith(callback),
      );
      expect(first.url.href.startsWith(callback)).toBe(true);
      // The same answer posted again, straight to an instance that did not take it.
      const took = cluster.served()[from];
      const elsewhere = cluster.instances.find((_, index) => index !== took);
      const acs = new URL(answer.acsUrl);
      await refusedAsReplay(
        await browser.follow(await browser.post(`${elsewhere?.origin ?? ''}${acs.pathname}`, answer.form)),
      );
      // A new sign-in whose answer repeats the assertion ID, on whichever instance.
      const other = new Browser();
      const repeated = await signInAtIdp(other);
      await refusedAsReplay(await other.follow(await other.post(repeated.acsUrl, repeated.form)));
    } finally {
      await idp.close();
    }
  });

  it('an instance killed mid-journey: the session goes on through the others', async () => {
    const victim = cluster.instances[2];
    if (victim === undefined) throw new Error('three instances');
    const signedIn = SessionTokens.parse(
      (await postJson(victim.origin, '/api/v1/sessions', { loginId: BOB.loginId, password: BOB.password })).body,
    );
    await victim.stop('SIGKILL');
    // Through the balancer, which no longer sends anything to the dead instance.
    const refreshed = await postJson(cluster.origin, '/api/v1/sessions/refresh', {
      refreshToken: signedIn.refreshToken,
    });
    expect(refreshed.status).toBe(200);
    const tokens = SessionTokens.parse(refreshed.body);
    expect(
      (await getJson(cluster.origin, '/api/v1/me', { authorization: `Bearer ${tokens.accessToken}` })).status,
    ).toBe(200);
  });
});

async function waitFor<T>(find: () => T | undefined): Promise<T> {
  // Waits for this test's own mail (found by the caller among messages after `before`), not for time.
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
