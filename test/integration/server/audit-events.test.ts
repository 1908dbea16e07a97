import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../../server/audit/audit-log';
import type { AuditEventType } from '../../../server/audit/events';
import { RecoveryCodes } from '../../../protocol/mfa';
import { consoleWorld, signInToConsole, type ConsoleWorld } from './console-sign-in';
import {
  ANA_PHONE,
  challenged,
  postAuthorized,
  enrolAna,
  INSTALLATION,
  outboxEmailCode,
  passwordSignIn,
  signedInWithPassword,
  totpCode,
  verify,
} from './mfa-fixture';
import { ANA, databaseUrlOf, postJson, startServerWithAna, type TestServer } from './server-fixture';
import { openStorage } from '../../../server/storage/database';
import { sql } from 'kysely';
import { randomBytes } from 'node:crypto';
import { encodeDeploymentCode, SECRET_BYTES } from '../../../protocol/deployment-code';
import { buildLandingUrl } from '../../../protocol/deployment-link';
import { storedBytes } from '../../support/stored-data';
import { firstText } from '../../support/html';
import { rsaCertificate } from '../../support/saml-idp';

const WRONG_PASSWORD = 'not the password at all';
const LICENSE_TEXT = 'The license text, version 2.';
/** An upstream OIDC provider; its client secret must be nowhere readable at rest (sealed, never audited). */
const UPSTREAM_OIDC = {
  id: 'corp-oidc',
  displayName: 'Corp OIDC',
  issuer: 'https://login.corp.example/tenant',
  clientId: 'keyway-client',
  clientSecret: 'upstream-client-secret-4f9c2a7e',
  domains: ['corp.example'],
};
const SAML_CERT = rsaCertificate('idp.corp.example').cert;
const BOB = { loginId: 'bob', email: 'bob@example.com', displayName: 'Bob', password: 'bob has a long password' };

/**
 * Issue 18: every action emits exactly one audit event of the right type, with the right actor and
 * subject, and nothing else: each row runs one action (a journey over the real server's HTTP API, or an
 * AdminService call as the CLI and the console make them) and compares ALL events it added.
 */
const ADMIN = { kind: 'admin', id: 'cli:auditor' } as const;

interface Row {
  name: string;
  /** Set-up that is not the action (its events are not counted). */
  before?: (test: TestServer) => Promise<void>;
  action: (test: TestServer) => Promise<unknown>;
  /** user: whom the event is about ('other': a user the action made). */
  expected: {
    type: AuditEventType;
    actor: AuditEvent['actor'];
    user?: 'ana' | 'other';
    reason?: string;
    /** When given, the event's details exactly. */
    details?: Record<string, unknown>;
  }[];
}

/** Ana's user id on the row's server (set per row). */
let anaIdValue = 0;
const USER = (): AuditEvent['actor'] => ({ kind: 'user', id: String(anaIdValue) });

async function eventsAfter(test: TestServer, afterId: number): Promise<AuditEvent[]> {
  const { events } = await test.server.admin.auditEvents({ limit: 1000 });
  return events.filter((event) => event.id > afterId).reverse();
}

async function lastId(test: TestServer): Promise<number> {
  return (await test.server.admin.auditEvents({ limit: 1 })).events[0]?.id ?? 0;
}

const ROWS: Row[] = [
  {
    name: 'password sign-in succeeds',
    action: (test) => signedInWithPassword(test.origin),
    expected: [{ type: 'sign-in.succeeded', actor: 'user' as never, user: 'ana' }],
  },
  {
    name: 'password sign-in fails',
    action: (test) => passwordSignIn(test.origin, { password: WRONG_PASSWORD }),
    expected: [{ type: 'sign-in.failed', actor: { kind: 'anonymous' }, user: 'ana', reason: 'invalid_credentials' }],
  },
  {
    name: 'the failure that locks the account',
    before: async (test) => {
      for (let i = 0; i < 2; i += 1) await passwordSignIn(test.origin, { password: WRONG_PASSWORD });
    },
    action: (test) => passwordSignIn(test.origin, { password: WRONG_PASSWORD }),
    expected: [
      { type: 'sign-in.failed', actor: { kind: 'anonymous' }, user: 'ana', reason: 'invalid_credentials' },
      { type: 'sign-in.locked-out', actor: { kind: 'system' }, user: 'ana' },
    ],
  },
  {
    name: 'a sign-in while locked',
    before: async (test) => {
      for (let i = 0; i < 3; i += 1) await passwordSignIn(test.origin, { password: WRONG_PASSWORD });
    },
    action: (test) => passwordSignIn(test.origin),
    expected: [{ type: 'sign-in.failed', actor: { kind: 'anonymous' }, user: 'ana', reason: 'account_locked' }],
  },
  {
    name: 'deployment created by an admin',
    action: (test) => test.server.admin.createDeployment(ANA.loginId),
    expected: [{ type: 'deployment.created', actor: ADMIN, user: 'ana' }],
  },
  {
    name: 'deployment redeemed (and not again by the same installation)',
    before: async (test) => {
      deploymentCode = (await test.server.admin.createDeployment(ANA.loginId)).code;
    },
    action: async (test) => {
      const body = { code: deploymentCode, installationId: INSTALLATION };
      expect((await postJson(test.origin, '/api/v1/deployments/redeem', body)).status).toBe(200);
      expect((await postJson(test.origin, '/api/v1/deployments/redeem', body)).status).toBe(200);
    },
    expected: [{ type: 'deployment.redeemed', actor: { kind: 'anonymous' }, user: 'ana' }],
  },
  {
    name: 'second factor by e-mail succeeds',
    before: (test) => test.server.admin.setMfaPolicy({ channels: 'email', mode: 'enforced' }).then(() => undefined),
    action: async (test) => {
      const required = await challenged(test.origin);
      await postJson(test.origin, '/api/v1/mfa/send', { challengeId: required.challengeId, channel: 'email' });
      const code = await outboxEmailCode(test);
      expect((await verify(test.origin, { challengeId: required.challengeId, channel: 'email', code })).status).toBe(
        200,
      );
    },
    expected: [
      { type: 'sign-in.succeeded', actor: 'user' as never, user: 'ana' },
      { type: 'second-factor.succeeded', actor: 'user' as never, user: 'ana' },
    ],
  },
  {
    name: 'second factor fails',
    before: (test) => test.server.admin.setMfaPolicy({ channels: 'email', mode: 'enforced' }).then(() => undefined),
    action: async (test) => {
      const required = await challenged(test.origin);
      await postJson(test.origin, '/api/v1/mfa/send', { challengeId: required.challengeId, channel: 'email' });
      const code = (await outboxEmailCode(test)) === '000000' ? '111111' : '000000';
      expect((await verify(test.origin, { challengeId: required.challengeId, channel: 'email', code })).status).toBe(
        401,
      );
    },
    expected: [
      { type: 'sign-in.succeeded', actor: 'user' as never, user: 'ana' },
      { type: 'second-factor.failed', actor: 'user' as never, user: 'ana', reason: 'mfa_code_invalid' },
    ],
  },
  {
    name: 'first authenticator enrolled at sign-in',
    before: (test) => test.server.admin.setMfaPolicy({ channels: 'totp', mode: 'enforced' }).then(() => undefined),
    action: (test) => enrolAna(test),
    expected: [
      { type: 'deployment.created', actor: ADMIN, user: 'ana' },
      { type: 'deployment.redeemed', actor: { kind: 'anonymous' }, user: 'ana' },
      { type: 'sign-in.succeeded', actor: 'user' as never, user: 'ana' },
      { type: 'factor.added', actor: 'user' as never, user: 'ana' },
      { type: 'second-factor.succeeded', actor: 'user' as never, user: 'ana' },
    ],
  },
  {
    name: 'a wrong authenticator code',
    before: async (test) => {
      await test.server.admin.setMfaPolicy({ channels: 'totp', mode: 'enforced' });
      totpSecret = (await enrolAna(test)).secret;
    },
    action: async (test) => {
      const required = await challenged(test.origin);
      const wrong = totpCode(totpSecret, test, 5);
      await verify(test.origin, { challengeId: required.challengeId, channel: 'totp', code: wrong });
    },
    expected: [
      { type: 'sign-in.succeeded', actor: 'user' as never, user: 'ana' },
      { type: 'second-factor.failed', actor: 'user' as never, user: 'ana', reason: 'mfa_code_invalid' },
    ],
  },
  {
    name: 'sign out everywhere (forget this server)',
    before: async (test) => {
      refreshToken = (await signedInWithPassword(test.origin)).refreshToken;
    },
    action: (test) => postJson(test.origin, '/api/v1/sessions/revoke', { refreshToken, everywhere: true }),
    expected: [{ type: 'sessions.revoked', actor: 'user' as never, user: 'ana' }],
  },
  {
    name: 'admin creates a user',
    action: (test) =>
      test.server.admin.createUser({
        loginId: 'bo',
        email: 'bo@example.com',
        displayName: 'Bo',
        sendWelcomeEmail: false,
      }),
    expected: [{ type: 'admin.user-created', actor: ADMIN, user: 'other' }],
  },
  {
    name: 'admin resets a password',
    action: (test) => test.server.admin.resetPassword(ANA.loginId),
    expected: [{ type: 'password.reset', actor: ADMIN, user: 'ana' }],
  },
  {
    name: 'admin revokes sessions',
    action: (test) => test.server.admin.revokeSessions(ANA.loginId),
    expected: [{ type: 'sessions.revoked', actor: ADMIN, user: 'ana' }],
  },
  {
    name: 'admin resets MFA',
    action: (test) => test.server.admin.resetMfa(ANA.loginId),
    expected: [{ type: 'admin.mfa-reset', actor: ADMIN, user: 'ana' }],
  },
  {
    name: 'admin sets the MFA policy',
    action: (test) => test.server.admin.setMfaPolicy({ mode: 'enforced' }),
    expected: [{ type: 'admin.mfa-policy-set', actor: ADMIN }],
  },
  {
    name: 'admin sets a phone number',
    action: (test) => test.server.admin.setPhone(ANA.loginId, ANA_PHONE),
    expected: [{ type: 'admin.phone-set', actor: ADMIN, user: 'ana' }],
  },
  {
    name: 'admin sets a sign-in method',
    action: (test) => test.server.admin.setSignInMethod(ANA.loginId, 'oidc'),
    expected: [{ type: 'admin.sign-in-method-set', actor: ADMIN, user: 'ana' }],
  },
  {
    name: 'admin switches a domain',
    action: (test) => test.server.admin.setDomainSignInMethod('example.com', 'oidc'),
    expected: [{ type: 'admin.domain-sign-in-method-set', actor: ADMIN }],
  },
  {
    name: 'admin sets the forgot-password policy',
    action: (test) => test.server.admin.setPasswordResetPolicy({ enabled: true }),
    expected: [{ type: 'admin.password-reset-policy-set', actor: ADMIN }],
  },
  {
    name: 'admin creates and revokes an OTP front end',
    action: async (test) => {
      await test.server.admin.createOtpClient('vpn-gateway');
      await test.server.admin.revokeOtpClient('vpn-gateway');
    },
    expected: [
      { type: 'admin.otp-client-created', actor: ADMIN },
      { type: 'admin.otp-client-revoked', actor: ADMIN },
    ],
  },
  {
    name: 'admin adds an upstream OIDC provider and removes it',
    action: async (test) => {
      await test.server.admin.identityProviders.addOidc(UPSTREAM_OIDC);
      await test.server.admin.identityProviders.remove(UPSTREAM_OIDC.id);
    },
    expected: [
      {
        type: 'admin.idp-added',
        actor: ADMIN,
        details: {
          provider: 'corp-oidc',
          kind: 'oidc',
          name: 'Corp OIDC',
          issuer: 'https://login.corp.example/tenant',
          domains: ['corp.example'],
          created: true,
        },
      },
      {
        type: 'admin.idp-removed',
        actor: ADMIN,
        details: {
          provider: 'corp-oidc',
          kind: 'oidc',
          issuer: 'https://login.corp.example/tenant',
          domains: ['corp.example'],
        },
      },
    ],
  },
  {
    name: 'admin adds a SAML provider',
    action: (test) =>
      test.server.admin.identityProviders.addSaml({
        id: 'corp-saml',
        displayName: 'Corp SAML',
        ssoUrl: 'https://idp.corp.example/sso',
        idpEntityId: 'https://idp.corp.example/entity',
        idpCertificates: [SAML_CERT],
      }),
    expected: [
      {
        type: 'admin.idp-added',
        actor: ADMIN,
        details: {
          provider: 'corp-saml',
          kind: 'saml',
          name: 'Corp SAML',
          issuer: 'https://idp.corp.example/entity',
          domains: [],
          created: true,
        },
      },
    ],
  },
  {
    name: 'a recovery code instead of the second factor',
    before: enrolWithRecoveryCodes,
    action: async (test) => {
      const required = await challenged(test.origin);
      const body = { challengeId: required.challengeId, recoveryCode: recoveryCodes[0] };
      expect((await postJson(test.origin, '/api/v1/mfa/recover', body)).status).toBe(200);
    },
    expected: [
      { type: 'sign-in.succeeded', actor: 'user' as never, user: 'ana' },
      { type: 'recovery-code.used', actor: 'user' as never, user: 'ana', details: { remaining: 9 } },
    ],
  },
  {
    name: 'a wrong recovery code',
    before: enrolWithRecoveryCodes,
    action: async (test) => {
      const required = await challenged(test.origin);
      const body = { challengeId: required.challengeId, recoveryCode: 'aaaa-bbbb-cccc' };
      expect((await postJson(test.origin, '/api/v1/mfa/recover', body)).status).toBe(401);
    },
    expected: [
      { type: 'sign-in.succeeded', actor: 'user' as never, user: 'ana' },
      {
        type: 'second-factor.failed',
        actor: 'user' as never,
        user: 'ana',
        reason: 'mfa_code_invalid',
        details: { channel: 'recovery-code' },
      },
    ],
  },
  {
    name: 'recovery codes regenerated',
    before: enrolWithRecoveryCodes,
    action: async (test) => {
      const answer = await postAuthorized(test.origin, '/api/v1/me/mfa/recovery-codes', accessToken, {
        password: ANA.password,
      });
      expect(answer.status).toBe(200);
      recoveryCodes = [...recoveryCodes, ...RecoveryCodes.parse(answer.body).recoveryCodes];
    },
    expected: [{ type: 'recovery-codes.regenerated', actor: 'user' as never, user: 'ana', details: { codes: 10 } }],
  },
  {
    name: 'the landing page opened with a deployment’s code (once; an unknown code records nothing)',
    before: async (test) => {
      const created = await test.server.admin.createDeployment(ANA.loginId);
      deploymentCode = created.code;
      landingUrl = created.landingUrl;
    },
    action: async (test) => {
      // A well-formed code of this server that no deployment has: its page looks the same, nothing is recorded.
      const forged = buildLandingUrl(test.origin, encodeDeploymentCode(test.origin, randomBytes(SECRET_BYTES)));
      const statuses = [];
      for (const url of [landingUrl, landingUrl, forged]) statuses.push((await fetch(url)).status);
      expect(statuses).toEqual([200, 200, 200]);
    },
    expected: [{ type: 'deployment.opened', actor: { kind: 'anonymous' }, user: 'ana' }],
  },
  {
    name: 'admin re-sends a deployment',
    before: async (test) => {
      deploymentId = (await test.server.admin.createDeployment(ANA.loginId)).id;
    },
    action: (test) => test.server.admin.resendDeployment(deploymentId),
    expected: [
      { type: 'deployment.created', actor: ADMIN, user: 'ana' },
      { type: 'deployment.resent', actor: ADMIN, user: 'ana' },
    ],
  },
  {
    name: 'admin revokes a deployment',
    before: async (test) => {
      deploymentId = (await test.server.admin.createDeployment(ANA.loginId)).id;
    },
    action: (test) => test.server.admin.revokeDeployment(deploymentId),
    expected: [{ type: 'deployment.revoked', actor: ADMIN, user: 'ana' }],
  },
  {
    name: 'admin publishes a license',
    action: (test) => test.server.admin.publishLicense('2.0', LICENSE_TEXT),
    expected: [
      { type: 'admin.license-published', actor: ADMIN, details: { version: '2.0', characters: LICENSE_TEXT.length } },
    ],
  },
  {
    name: 'admin creates a profile',
    action: (test) => test.server.admin.createProfile('Sales', { mfaMode: 'enforced', manualLogin: false }),
    expected: [
      {
        type: 'admin.profile-created',
        actor: ADMIN,
        details: { profile: 'Sales', settings: ['manualLogin', 'mfaMode'] },
      },
    ],
  },
  {
    name: 'admin edits a profile',
    before: (test) => test.server.admin.createProfile('Sales', { mfaMode: 'enforced' }).then(() => undefined),
    action: (test) => test.server.admin.editProfile('Sales', { mfaMode: null, language: 'fr' }),
    expected: [
      {
        type: 'admin.profile-edited',
        actor: ADMIN,
        details: { profile: 'Sales', settings: ['language', 'mfaMode'] },
      },
    ],
  },
  {
    name: 'admin assigns a profile to a user and to a domain',
    before: (test) => test.server.admin.createProfile('Sales').then(() => undefined),
    action: async (test) => {
      await test.server.admin.assignProfile('Sales', { user: ANA.loginId });
      await test.server.admin.assignProfile('Sales', { domain: 'example.com' });
    },
    expected: [
      { type: 'admin.profile-assigned', actor: ADMIN, user: 'ana', details: { profile: 'Sales' } },
      { type: 'admin.profile-assigned', actor: ADMIN, details: { profile: 'Sales', domain: 'example.com' } },
    ],
  },
  {
    name: 'admin unassigns a user’s profile',
    before: async (test) => {
      await test.server.admin.createProfile('Sales');
      await test.server.admin.assignProfile('Sales', { user: ANA.loginId });
    },
    action: (test) => test.server.admin.unassignProfile({ user: ANA.loginId }),
    expected: [{ type: 'admin.profile-unassigned', actor: ADMIN, user: 'ana', details: { changed: true } }],
  },
  {
    name: 'admin pushes a profile (the names of what changed and its reach; no values)',
    before: async (test) => {
      await test.server.admin.createProfile('Sales', { mfaMode: 'enforced', updateChannel: 'beta' });
      await test.server.admin.assignProfile('Sales', { user: ANA.loginId });
      await test.server.admin.pushProfile('Sales');
      await test.server.admin.editProfile('Sales', { updateChannel: 'latest', forgotPassword: true });
    },
    action: (test) => test.server.admin.pushProfile('Sales'),
    expected: [
      {
        type: 'admin.profile-pushed',
        actor: ADMIN,
        details: { profile: 'Sales', version: 2, settings: ['forgotPassword', 'updateChannel'], users: 1, clients: 0 },
      },
    ],
  },
  {
    name: 'admin grants and revokes the admin role',
    action: async (test) => {
      await test.server.admin.grantAdmin(ANA.loginId);
      await test.server.admin.revokeAdmin(ANA.loginId);
    },
    expected: [
      { type: 'admin.role-granted', actor: ADMIN, user: 'ana', details: { changed: true } },
      { type: 'admin.role-revoked', actor: ADMIN, user: 'ana', details: { changed: true } },
    ],
  },
  {
    name: 'admin locks a user (ending their session; the reason stays out) and unlocks them',
    before: async (test) => {
      await signedInWithPassword(test.origin);
    },
    action: async (test) => {
      await test.server.admin.lockUser(ANA.loginId, { reason: 'On leave' });
      await test.server.admin.unlockUser(ANA.loginId);
    },
    expected: [
      { type: 'user.locked', actor: ADMIN, user: 'ana', details: { sessionsRevoked: 1, reason: true } },
      { type: 'user.unlocked', actor: ADMIN, user: 'ana', details: {} },
    ],
  },
  {
    name: 'the right password of a user an admin locked',
    before: async (test) => {
      await test.server.admin.lockUser(ANA.loginId);
    },
    action: (test) => passwordSignIn(test.origin),
    expected: [
      {
        type: 'sign-in.failed',
        actor: { kind: 'anonymous' },
        user: 'ana',
        reason: 'account_locked_by_admin',
        details: { method: 'password' },
      },
    ],
  },
  {
    name: 'admin queues a dead audit delivery again',
    before: async (test) => {
      deadEventId = await deadDeliveryBeside(test);
    },
    action: (test) => test.server.admin.retryAuditDeadLetters(deadEventId),
    expected: [
      {
        type: 'admin.audit-dead-letters-retried',
        actor: ADMIN,
        details: { event: expect.any(Number) as unknown, deliveries: 1 },
      },
    ],
  },
];

let deadEventId = 0;

/** A delivery of the newest event that failed every attempt, written beside the server (as the outbox would). */
async function deadDeliveryBeside(test: TestServer): Promise<number> {
  const url = await databaseUrlOf(test.dataDir);
  const storage = await openStorage(
    url === undefined ? { engine: 'sqlite', dataDir: test.dataDir } : { engine: 'postgres', url },
    { migrations: 'apply' },
  );
  try {
    const eventId = await lastId(test);
    await storage
      .q()
      .insertInto('audit_outbox')
      .values({
        event_id: eventId,
        sink: 'webhook:admin',
        state: 'dead',
        attempts: 5,
        next_attempt_at: 0,
        claimed_until: null,
        last_error: 'HTTP 500',
      })
      .execute();
    return eventId;
  } finally {
    await storage.close();
  }
}

let deploymentCode = '';
let totpSecret = '';
let refreshToken = '';
let recoveryCodes: string[] = [];
let accessToken = '';
let landingUrl = '';
let deploymentId = 0;

/** Ana with an authenticator (TOTP enforced) and the recovery codes her first enrolment showed. */
async function enrolWithRecoveryCodes(test: TestServer): Promise<void> {
  await test.server.admin.setMfaPolicy({ channels: 'totp', mode: 'enforced' });
  const { secret, session } = await enrolAna(test);
  totpSecret = secret;
  accessToken = session.accessToken;
  recoveryCodes = session.recoveryCodes ?? [];
  expect(recoveryCodes).toHaveLength(10);
}

describe('every action emits exactly one audit event of the right type and actor', () => {
  it.each(ROWS)('$name', async (row) => {
    const test = await startServerWithAna({ limits: { maxConsecutiveFailures: 3 } });
    const admin = test.server.admin.actingAs(ADMIN.id);
    // The rows call test.server.admin; make that the named admin (as the console's per-admin service).
    Object.defineProperty(test.server, 'admin', { value: admin });
    anaIdValue = (await admin.auditEvents({ limit: 1, types: ['admin.user-created'] })).events[0]?.userId ?? 0;
    expect(anaIdValue).toBeGreaterThan(0);
    await row.before?.(test);
    const from = await lastId(test);
    await row.action(test);
    const events = await eventsAfter(test, from);
    const expected = row.expected.map((each) => ({
      type: each.type,
      actor: (each.actor as unknown) === 'user' ? USER() : each.actor,
      userId: each.user === 'ana' ? anaIdValue : each.user === 'other' ? (expect.any(Number) as unknown) : undefined,
      reason: each.reason,
      details: each.details ?? (expect.anything() as unknown),
    }));
    expect(
      events.map((event) => ({
        type: event.type,
        actor: event.actor,
        userId: event.userId,
        reason: event.reason,
        details: event.details,
      })),
    ).toEqual(expected);
    // Nothing secret at rest, audit table included (the whole database's bytes, both engines): the
    // passwords typed, the deployment code, the TOTP secret, the refresh token of the rows that used them.
    const bytes = await storedBytes(test);
    expect(bytes.includes(row.expected[0]?.type ?? 'none'), 'the scan sees the audit table').toBe(true);
    // Recovery codes: neither as shown nor in their canonical form (recovery-codes.ts keeps a keyed hash).
    const codes = recoveryCodes.flatMap((code) => [code, code.replaceAll('-', '')]);
    const client = UPSTREAM_OIDC.clientSecret;
    for (const secret of [ANA.password, WRONG_PASSWORD, deploymentCode, totpSecret, refreshToken, client, ...codes]) {
      if (secret !== '') expect(bytes.includes(secret), `${row.name}: a secret at rest`).toBe(false);
    }
    // HTTP events carry where they came from.
    for (const event of events.filter((each) => each.actor.kind !== 'admin' && each.type !== 'sign-in.locked-out')) {
      expect(event.sourceAddress, event.type).toBe('127.0.0.1');
      expect(event.userAgent, event.type).toBeDefined();
    }
  });
});

describe('the admin console records its admin as console:<login ID>', () => {
  /** Ana an admin with an authenticator (TOTP enforced); Bob a plain user. Returns her authenticator secret. */
  async function consoleServer(): Promise<ConsoleWorld> {
    const world = await consoleWorld({ enrolUnder: { channels: 'totp', mode: 'enforced' }, afterwards: null });
    anaIdValue = (await world.test.server.admin.auditUserId(ANA.loginId)) || 0;
    return world;
  }

  const consoleSignIn = (test: TestServer, login: string, password: string, code: string) =>
    signInToConsole(test, { login, password, code });

  const summary = (events: AuditEvent[]) =>
    events.map((event) => ({ type: event.type, actor: event.actor, userId: event.userId, reason: event.reason }));
  const CONSOLE_ANA = { kind: 'admin', id: 'console:ana' } as const;

  it('a console sign-in: the password step, then the console’s own success; its actions name the admin', async () => {
    const { test, secret } = await consoleServer();
    let from = await lastId(test);
    const { browser, answer } = await consoleSignIn(test, ANA.loginId, ANA.password, totpCode(secret, test));
    expect(answer.status).toBe(303);
    expect(summary(await eventsAfter(test, from))).toEqual([
      { type: 'sign-in.succeeded', actor: USER(), userId: anaIdValue, reason: undefined },
      { type: 'admin.console-signed-in', actor: CONSOLE_ANA, userId: anaIdValue, reason: undefined },
    ]);

    from = await lastId(test);
    const page = await browser.get('/admin/user?name=bob');
    const reset = await browser.submit(page, '/admin/user/reset-password', { reauth: ANA.password });
    expect(reset.status).toBe(200);
    const events = await eventsAfter(test, from);
    expect(events.map((event) => [event.type, event.actor])).toEqual([['password.reset', CONSOLE_ANA]]);
    // The new password the page showed is nowhere in the event.
    const shown = firstText(reset.html, '[data-testid="secret"]') ?? '';
    expect(shown).not.toBe('');
    expect(JSON.stringify(events)).not.toContain(shown);
  });

  it('a password typed at the console is recorded as the console’s, wrong or right', async () => {
    const { test, secret } = await consoleServer();
    let from = await lastId(test);
    expect((await consoleSignIn(test, ANA.loginId, WRONG_PASSWORD, '123456')).answer.status).toBe(401);
    const wrong = await eventsAfter(test, from);
    expect(wrong.map((event) => [event.type, event.reason, event.details])).toEqual([
      ['sign-in.failed', 'invalid_credentials', { method: 'admin-console' }],
    ]);
    from = await lastId(test);
    expect((await consoleSignIn(test, ANA.loginId, ANA.password, totpCode(secret, test))).answer.status).toBe(303);
    expect((await eventsAfter(test, from)).map((event) => [event.type, event.details])).toEqual([
      ['sign-in.succeeded', { method: 'admin-console' }],
      ['admin.console-signed-in', { factor: 'totp' }],
    ]);
  });

  it('a console sign-in refused after the password: wrong code, reused code, not an admin', async () => {
    const { test, secret } = await consoleServer();
    const failed = (reason: string, userId: number) => ({
      type: 'admin.console-sign-in-failed',
      actor: { kind: 'anonymous' },
      userId,
      reason,
    });
    let from = await lastId(test);
    const wrong = await consoleSignIn(test, ANA.loginId, ANA.password, totpCode(secret, test, 10));
    expect(wrong.answer.status).toBe(401);
    const events = summary(await eventsAfter(test, from));
    expect(events).toEqual([
      { type: 'sign-in.succeeded', actor: USER(), userId: anaIdValue, reason: undefined },
      failed('mfa_code_invalid', anaIdValue),
    ]);

    const code = totpCode(secret, test);
    expect((await consoleSignIn(test, ANA.loginId, ANA.password, code)).answer.status).toBe(303);
    test.advance(-30_000);
    from = await lastId(test);
    expect((await consoleSignIn(test, ANA.loginId, ANA.password, code)).answer.status).toBe(401);
    expect(summary(await eventsAfter(test, from)).at(-1)).toEqual(failed('mfa_code_used', anaIdValue));

    from = await lastId(test);
    const bob = await consoleSignIn(test, BOB.loginId, BOB.password, '123456');
    expect(bob.answer.status).toBe(403);
    const bobEvents = summary(await eventsAfter(test, from));
    expect(bobEvents.map((event) => event.type)).toEqual(['sign-in.succeeded', 'admin.console-sign-in-failed']);
    expect(bobEvents[1]?.reason).toBe('not_admin');
    expect(bobEvents[1]?.userId).toBe(bobEvents[0]?.userId);
  });
});

describe('an identity provider and its audit event are one transaction', () => {
  it('adds no provider when its admin.idp-added event cannot be written, and removes none without admin.idp-removed', async () => {
    const test = await startServerWithAna();
    const providers = test.server.admin.identityProviders;
    await providers.addOidc(UPSTREAM_OIDC);
    // A fault injected in the database itself: the audit insert of these two types fails.
    const url = await databaseUrlOf(test.dataDir);
    const storage = await openStorage(
      url === undefined ? { engine: 'sqlite', dataDir: test.dataDir } : { engine: 'postgres', url },
      { migrations: 'apply' },
    );
    try {
      const statements =
        url === undefined
          ? [
              `CREATE TRIGGER keyway_test_fault BEFORE INSERT ON audit_events
               WHEN NEW.type IN ('admin.idp-added', 'admin.idp-removed') BEGIN SELECT RAISE(ABORT, 'injected'); END`,
            ]
          : [
              `CREATE FUNCTION keyway_test_fault() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
               IF NEW.type IN ('admin.idp-added', 'admin.idp-removed') THEN RAISE EXCEPTION 'injected'; END IF;
               RETURN NEW; END $$`,
              `CREATE TRIGGER keyway_test_fault BEFORE INSERT ON audit_events
               FOR EACH ROW EXECUTE FUNCTION keyway_test_fault()`,
            ];
      for (const statement of statements) await sql.raw(statement).execute(storage.q());
    } finally {
      await storage.close();
    }
    await expect(
      providers.addSaml({
        id: 'corp-saml',
        displayName: 'Corp SAML',
        ssoUrl: 'https://idp.corp.example/sso',
        idpEntityId: 'https://idp.corp.example/entity',
        idpCertificates: [SAML_CERT],
      }),
    ).rejects.toThrow(/injected/);
    expect(await providers.find('corp-saml')).toBeUndefined();
    await expect(providers.remove(UPSTREAM_OIDC.id)).rejects.toThrow(/injected/);
    expect(await providers.find(UPSTREAM_OIDC.id)).toBeDefined();
  });
});
