import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import rateLimit from '@fastify/rate-limit';
import fastify from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseDeploymentCode } from '../../../protocol/deployment-code';
import { DEFAULT_LIMITS } from '../../../server/config';
import { storageRateLimitStore } from '../../../server/http/rate-limit-store';
import { createLimiter } from '../../../server/http/rate-limiter';
import { DEFAULT_LICENSE } from '../../../server/index';
import { ChallengeStore } from '../../../server/mfa/challenges';
import { NO_CODE_DELIVERY } from '../../../server/mfa/delivery';
import { SecretBox } from '../../../server/mfa/secret-box';
import { DatabaseAdapter } from '../../../server/oidc/adapter';
import { ResetLinkStore } from '../../../server/password-reset/reset-links';
import { ServiceOtpStore } from '../../../server/otp/service-otps';
import { createServices } from '../../../server/services';
import { openDataDirDatabase, type DatabaseLocation } from '../../../server/storage/database';
import { postgresStorage, sqliteStorage, type Storage } from '../../../server/storage/storage';
import { hashPassword } from '../../../server/users/password-hash';
import { ENGINES } from '../../support/engines';
import { fullScansIn, planOfStatement } from '../../support/query-plan';

/**
 * Issue 16: every hot query can be served by an index, on both engines. The hot paths run through the
 * real services over a Storage whose query log records every statement; each distinct statement is then
 * EXPLAINed with the parameters it really ran with. A full scan of one of these tables fails the test
 * (SQLite: `SCAN <table>` without an index; PostgreSQL: `Seq Scan on <table>` with sequential scans
 * discouraged, so the plan shows whether an index CAN serve the query at the table sizes of production).
 */
const HOT_TABLES = [
  'users',
  'user_identifiers',
  'refresh_tokens',
  'access_tokens',
  'session_families',
  'deployments',
  'mfa_challenges',
  'mfa_authenticators',
  'mfa_device_nonces',
  'oidc_payloads',
  'rate_limits',
  'password_reset_links',
  'service_otps',
  'account_sessions',
  // Every sign-in and refresh: the lock-out count, its audit event, the user's profile (one lookup
  // through both kinds of assignment, deployment-profiles.ts pushedFor) and the license.
  'sign_in_failures',
  'audit_events',
  'profile_user_assignments',
  'profile_domain_assignments',
  'deployment_profiles',
  'licenses',
] as const;

interface Statement {
  sql: string;
  parameters: readonly unknown[];
}

/** Statements that read no table: transaction control, savepoints, settings. */
const NOT_A_QUERY =
  /^\s*(begin|start transaction|commit|rollback|savepoint|release|set |select 1\b|select pg_advisory)/i;

/**
 * The periodic clean-ups (`DELETE … WHERE expires_at <= now`), checked whether or not a path ran them.
 * Each must be served by an index on its expiry column (migration 10 says which), on any table.
 */
const CLEAN_UPS: Statement[] = [
  { sql: 'delete from "access_tokens" where "expires_at" <= ?', parameters: [1] },
  { sql: 'delete from "oidc_payloads" where "expires_at" <= ?', parameters: [1] },
  { sql: 'delete from "rate_limits" where "window_ends_at" <= ?', parameters: [1] },
  { sql: 'delete from "mfa_challenges" where "expires_at" < ?', parameters: [1] },
  { sql: 'delete from "mfa_device_nonces" where "expires_at" <= ?', parameters: [1] },
  { sql: 'delete from "account_sessions" where "expires_at" <= ?', parameters: [1] },
  { sql: 'delete from "federation_attempts" where "expires_at" <= ?', parameters: [1] },
  { sql: 'delete from "saml_seen_assertions" where "expires_at" <= ?', parameters: [1] },
  // What the sweep of pending authenticators makes the database do for mfa_challenges'
  // `pending_authenticator_id … ON DELETE SET NULL`. SQLite shows it in the DELETE's own plan;
  // PostgreSQL runs it in a trigger EXPLAIN does not show (its RI query, ri_triggers.c), hence here.
  {
    sql: 'update "mfa_challenges" set "pending_authenticator_id" = null where "pending_authenticator_id" = ?',
    parameters: ['x'],
  },
];

describe.each(ENGINES)('query plans of the hot paths on $engine', (engine) => {
  let keyDir: string;
  let location: DatabaseLocation;
  let storage: Storage;
  const captured: Statement[] = [];
  let capturing = false;

  beforeEach(async () => {
    keyDir = mkdtempSync(path.join(os.tmpdir(), 'keyway-plans-'));
    location = await engine.fresh();
    await engine.open(location); // migrates
    const onQuery = (text: string, parameters: readonly unknown[]) => {
      if (capturing) captured.push({ sql: text, parameters });
    };
    storage =
      location.engine === 'sqlite'
        ? sqliteStorage(openDataDirDatabase(location.dataDir), { onQuery })
        : await postgresStorage(location.url, { onQuery });
  });

  afterEach(async () => {
    await storage.close();
    await engine.cleanUp();
    rmSync(keyDir, { recursive: true, force: true });
    captured.length = 0;
  });

  /** The statements `work` issues, recorded on the way. */
  async function capture(work: () => Promise<unknown>): Promise<void> {
    capturing = true;
    try {
      await work();
    } finally {
      capturing = false;
    }
  }

  async function runHotPaths(): Promise<void> {
    let now = 1_700_000_000_000;
    const clock = () => now;
    const box = SecretBox.inDataDir(keyDir);
    const identity = { name: 'Plans', origin: 'https://id.example', license: DEFAULT_LICENSE };
    const services = createServices(storage, identity, clock, DEFAULT_LIMITS, {
      dataDir: keyDir,
      box,
      delivery: NO_CODE_DELIVERY,
    });
    const password = 'a perfectly fine passphrase 42';
    const ana = await services.users.create({
      loginId: 'ana',
      email: 'ana@example.com',
      displayName: 'Ana',
      passwordHash: await hashPassword(password),
      aliases: ['ana.upn@corp.example'],
    });
    // A pushed profile for ana's domain and a published license: session answers then look both up.
    await services.licenses.publish('2026-01', 'Terms.');
    await services.profiles.create('Corp', { language: 'fr', licenseVersion: '2026-01' });
    await services.profiles.assignDomain('Corp', 'example.com');
    await services.profiles.push('Corp');
    const installationId = 'installation-0123456789';
    const issued = await services.deployments.create(ana, 7 * 86_400, { kind: 'admin', name: 'cli:plans' });
    const challenges = new ChallengeStore(storage, clock);
    const links = new ResetLinkStore(storage, clock);
    const otps = new ServiceOtpStore(storage, clock, box);
    const { token: resetToken } = await links.issue(ana.id, 30 * 60_000);
    const { otp } = await otps.issue(ana.id, 60);
    const app = fastify({ logger: false });
    await app.register(rateLimit, { global: false, store: storageRateLimitStore(storage, clock) });
    const limit = createLimiter(app, { max: 5, windowSeconds: 60, what: 'sign-in attempts from this address' });
    app.post('/limited', async (request) => {
      await limit(request);
      return { ok: true };
    });
    await app.ready();

    await capture(async () => {
      // Password sign-in by every kind of name, a wrong password (the lock-out counter), a session start.
      await expect(
        services.sessions.signIn({ loginId: 'ANA', password: 'wrong password here', installationId }),
      ).rejects.toThrow();
      await services.sessions.signIn({ loginId: 'ana@example.com', password });
      const tokens = await services.sessions.signIn({ loginId: 'Ana.UPN@corp.example', password, installationId });
      if (!('refreshToken' in tokens)) throw new Error('Expected tokens, not a second step.');
      // Discovery's license (no user: the newest published one).
      await services.profiles.licenseFor(undefined);
      // Access-token check (/me), refresh rotation, and a replay of the old refresh token.
      await services.sessions.me(`Bearer ${tokens.accessToken}`);
      const rotated = await services.sessions.refresh(tokens.refreshToken);
      await expect(services.sessions.refresh(tokens.refreshToken)).rejects.toThrow();
      await services.sessions.revoke(rotated.refreshToken);
      // Deployment redemption, and its repetition by the same installation.
      await services.deployments.redeem(parseDeploymentCode(issued.code), installationId);
      await services.deployments.redeem(parseDeploymentCode(issued.code), installationId);
      // MFA: challenge → authenticator → wrong code (failure lock) → proof → consumption; device nonce.
      const { id: challengeId, challenge } = await challenges.start(ana.id, { installationId });
      await challenges.start(ana.id, { interactionUid: 'interaction-uid-1' });
      await challenges.findByInteraction('interaction-uid-1');
      await challenges.find(challengeId);
      const { authenticator } = await services.mfa.authenticators.createPending(ana.id, now + 600_000);
      await challenges.setPendingAuthenticator(challenge.idHash, authenticator.id);
      await services.mfa.authenticators.findPending(authenticator.id, ana.id);
      await services.mfa.authenticators.acceptStep(authenticator.id, 1);
      await services.mfa.authenticators.confirm(authenticator.id, 'Phone');
      await services.mfa.authenticators.confirmedOf(ana.id);
      await challenges.recordFailure(challenge.idHash);
      await services.mfa.lock.recordFailure(ana.id);
      await services.mfa.lock.lockError(ana.id);
      await challenges.prove(challenge.idHash);
      await challenges.consume(challenge.idHash);
      await services.mfa.lock.clear(ana.id);
      await services.mfa.devices.issueNonce();
      await services.mfa.devices.trusted(ana.id, 30);
      // Password-reset link use.
      await services.passwordReset.check(resetToken);
      await links.consume(resetToken);
      // One-time password for another service.
      await services.otp.verify('ana', otp);
      await services.otp.verify('ana', '000000');
      // The OpenID Provider's adapter: upsert, find by id / uid / user code, consume, revoke a grant.
      const adapter = new DatabaseAdapter(storage, 'RefreshToken', box, clock);
      await adapter.upsert('refresh-token-0123456789abcdef', { grantId: 'g1', accountId: String(ana.id) }, 60);
      await adapter.find('refresh-token-0123456789abcdef');
      await adapter.consume('refresh-token-0123456789abcdef');
      const interactions = new DatabaseAdapter(storage, 'Interaction', box, clock);
      await interactions.upsert('interaction-1', { uid: 'uid-1' }, 60);
      await interactions.findByUid('uid-1');
      const devices = new DatabaseAdapter(storage, 'DeviceCode', box, clock);
      await devices.upsert('device-1', { userCode: 'ABCD-EFGH', grantId: 'g2' }, 60);
      await devices.findByUserCode('ABCD-EFGH');
      await adapter.revokeByGrantId('g1');
      await adapter.destroy('refresh-token-0123456789abcdef');
      // Rate-limit hits through @fastify/rate-limit and the production limiter, then, a window later, the
      // prune of ended windows.
      for (let hit = 0; hit < 2; hit += 1) await app.inject({ method: 'POST', url: '/limited' });
      now += 10 * 60_000;
      await app.inject({ method: 'POST', url: '/limited' });
      // "Sign out everywhere" (a password reset ends every session this way).
      await services.signOutEverywhere(ana.id);
    });
    await app.close();
  }

  it('no hot statement scans a whole table (and each clean-up uses an expiry index)', async () => {
    await runHotPaths();
    // The rate limiter's prune runs in the background and may end after the capture: CLEAN_UPS has it.
    // A clean-up's scan counts on any table; a hot path's on the hot tables.
    const distinct = new Map<string, Statement & { cleanUp?: true }>();
    for (const statement of captured) {
      if (!NOT_A_QUERY.test(statement.sql) && !distinct.has(statement.sql)) distinct.set(statement.sql, statement);
    }
    const placeholders = (text: string) =>
      engine.engine === 'postgres' ? text.replace(/\?/g, () => `$${(placeholders.n += 1)}`) : text;
    placeholders.n = 0;
    for (const cleanUp of CLEAN_UPS) {
      placeholders.n = 0;
      distinct.set(`clean-up: ${cleanUp.sql}`, {
        sql: placeholders(cleanUp.sql),
        parameters: cleanUp.parameters,
        cleanUp: true,
      });
    }

    const perTable = new Map<string, number>();
    const scans: string[] = [];
    for (const statement of distinct.values()) {
      const plan = await planOfStatement(storage, statement.sql, statement.parameters);
      for (const table of HOT_TABLES) {
        if (new RegExp(`"${table}"|\\b${table}\\b`).test(statement.sql)) {
          perTable.set(table, (perTable.get(table) ?? 0) + 1);
        }
      }
      for (const table of fullScansIn(storage.engine, plan, statement.sql)) {
        if (statement.cleanUp || (HOT_TABLES as readonly string[]).includes(table))
          scans.push(`${table}: ${statement.sql}\n  ${plan}`);
      }
    }
    const coverage = HOT_TABLES.map((table) => `${table} ${perTable.get(table) ?? 0}`).join(', ');
    console.log(
      `[query-plans ${engine.engine}] ${distinct.size} distinct statements EXPLAINed; per table: ${coverage}`,
    );
    expect(scans).toEqual([]);
    // Coverage: every hot table was touched by at least one statement that was checked.
    for (const table of HOT_TABLES) expect(perTable.get(table) ?? 0, table).toBeGreaterThan(0);
  });

  it('the check sees a full scan: a predicate on an unindexed column, through an alias, is reported', async () => {
    const statement = (text: string) => (engine.engine === 'postgres' ? text.replace('?', '$1') : text);
    const direct = 'select * from "users" where "password_hash" = ?';
    const aliased = 'select "u"."id" from "users" as "u" where "u"."password_hash" = ?';
    // A walk of a whole index (PostgreSQL: an index scan with no Index Cond) reads the table whole too.
    const wholeIndex = 'select "id" from "users" order by "id"';
    for (const text of [direct, aliased, wholeIndex]) {
      const plan = await planOfStatement(storage, statement(text), text === wholeIndex ? [] : ['Ana']);
      expect(fullScansIn(storage.engine, plan, text), text).toEqual(['users']);
    }
    // And a lookup by an indexed column is not.
    const byLogin = 'select "u"."email" from "users" as "u" where "u"."id" = ?';
    expect(fullScansIn(storage.engine, await planOfStatement(storage, statement(byLogin), [1]), byLogin)).toEqual([]);
  });
});
