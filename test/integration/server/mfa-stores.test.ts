import { PasskeyStore } from '../../../server/mfa/passkey-store';
import { AuditLog } from '../../../server/audit/audit-log';
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as OTPAuth from 'otpauth';
import { afterEach, describe, expect, it } from 'vitest';
import { KeywayError } from '../../../protocol/errors';
import { deviceProofMessage, type DevicePublicKey } from '../../../protocol/mfa';
import type { ServerIdentity } from '../../../server/identity';
import { sha256Hex } from '../../../server/security/digest';
import type { SecurityEvent } from '../../../server/mail/security-notice-email';
import { AuthenticatorStore } from '../../../server/mfa/authenticators';
import { ChallengeStore } from '../../../server/mfa/challenges';
import { DEFAULT_CODE_TIMINGS } from '../../../server/mfa/codes';
import { DeviceStore } from '../../../server/mfa/devices';
import { FirstEnrolment, FRESH_DEPLOYMENT_MS } from '../../../server/mfa/enrolment';
import { SecondFactorLock } from '../../../server/mfa/failure-lock';
import { tellAfterCommit, type SecurityNotices } from '../../../server/mfa/notices';
import { MfaPolicyStore } from '../../../server/mfa/policy';
import { RecoveryCodeStore } from '../../../server/mfa/recovery-codes';
import { SecondStep } from '../../../server/mfa/second-step';
import { SecretBox } from '../../../server/mfa/secret-box';
import { MfaGate } from '../../../server/mfa/sign-in-gate';
import type { Storage } from '../../../server/storage/storage';
import { UserStore } from '../../../server/users/user-store';
import { ENGINES, type EngineUnderTest } from '../../support/engines';
import { instancesOn, someUser } from './store-fixture';

/**
 * The MFA stores' single-use and counting guarantees on both engines, with several "instances": on
 * PostgreSQL three Storages with their own pools over one database (as three servers would be); on
 * SQLite the one connection a process has (storage-engines.test.ts).
 */
async function mfaWorld(engine: EngineUnderTest) {
  const storages = await instancesOn(engine);
  const [first] = storages;
  const keyDir = mkdtempSync(path.join(os.tmpdir(), 'keyway-mfa-key-'));
  // One key file for every instance, as instances sharing a database share their MFA key.
  const box = SecretBox.inDataDir(keyDir);
  let now = 1_700_000_000_000;
  const clock = () => now;
  const user = await new UserStore(first, clock).findById(await someUser(first, 'ana'));
  if (!user) throw new Error('The test user was not created.');
  const told: SecurityEvent[] = [];
  /** Where each e-mailed code went (the delivery is a stand-in: the codes themselves are not needed). */
  const mailed: string[] = [];
  const notices: SecurityNotices = { tell: (_user, event) => told.push(event) };

  const instance = (storage: Storage) => {
    const policy = new MfaPolicyStore(storage, clock);
    const authenticators = new AuthenticatorStore(storage, clock, box);
    const challenges = new ChallengeStore(storage, clock);
    const devices = new DeviceStore(storage, clock);
    const enrolment = new FirstEnrolment(storage, clock);
    const lock = new SecondFactorLock(storage, clock);
    const passkeys = new PasskeyStore(storage, clock);
    const gate = new MfaGate({ clock, policy, authenticators, challenges, devices, enrolment, passkeys });
    const users = new UserStore(storage, clock);
    const secondStep = new SecondStep({
      clock,
      storage,
      identity: { name: 'Keyway test' } as ServerIdentity,
      users,
      policy,
      authenticators,
      challenges,
      box,
      gate,
      delivery: {
        email: () => {
          mailed.push(user.email);
          return Promise.resolve();
        },
        sms: () => Promise.resolve(),
      },
      timings: DEFAULT_CODE_TIMINGS,
      audit: new AuditLog(storage, clock),
      enrolment,
      lock,
      notices,
      recoveryCodes: new RecoveryCodeStore(storage, clock, box),
    });
    return { storage, policy, authenticators, challenges, devices, lock, secondStep };
  };
  const instances = storages.map(instance);
  const at = (index: number) => instances[index % instances.length] ?? instance(first);

  return {
    user,
    told,
    mailed,
    at,
    box,
    clock,
    advance: (ms: number) => (now += ms),
    /** A confirmed authenticator of Ana's; returns its secret. */
    async authenticator(): Promise<string> {
      const { authenticator, secret } = await at(0).authenticators.createPending(user.id, now + 60_000);
      await at(0).authenticators.confirm(authenticator.id, 'Phone');
      return secret;
    },
    /** `count` sign-ins waiting for Ana's second factor; their API ids. */
    async challenges(count: number): Promise<string[]> {
      const started = await Promise.all(
        Array.from({ length: count }, (_, index) => at(index).challenges.start(user.id, {})),
      );
      return started.map((each) => each.id);
    },
    async failures(): Promise<number | undefined> {
      const found = await first
        .q()
        .selectFrom('mfa_failures')
        .select('failures')
        .where('user_id', '=', user.id)
        .executeTakeFirst();
      return found?.failures;
    },
    cleanUp: () => rmSync(keyDir, { recursive: true, force: true }),
  };
}

type World = Awaited<ReturnType<typeof mfaWorld>>;

function totpAt(secret: string, time: number): string {
  return new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) }).generate({ timestamp: time });
}

/** A six-digit code no step of the ±1 window accepts. */
function wrongCode(secret: string, time: number): string {
  const valid = new Set([-30_000, 0, 30_000].map((offset) => totpAt(secret, time + offset)));
  return ['000000', '111111', '222222', '333333'].find((code) => !valid.has(code)) ?? '444444';
}

/** What each verify answered: 'signed-in', or the error code. */
async function verifyAll(world: World, attempts: { challengeId: string; code: string }[]): Promise<string[]> {
  return Promise.all(
    attempts.map(async ({ challengeId, code }, index) => {
      try {
        return await world.at(index).secondStep.verify({ challengeId }, 'totp', code, () => 'signed-in');
      } catch (error) {
        if (error instanceof KeywayError) return error.code;
        throw error;
      }
    }),
  );
}

function tally(answers: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const answer of answers) counts[answer] = (counts[answer] ?? 0) + 1;
  return counts;
}

describe.each(ENGINES)('MFA stores on $engine', (engine) => {
  const worlds: World[] = [];
  const world = async () => {
    const made = await mfaWorld(engine);
    worlds.push(made);
    return made;
  };
  afterEach(async () => {
    for (const each of worlds.splice(0)) each.cleanUp();
    await engine.cleanUp();
  });

  it('attack: 15 wrong codes at once over several instances judge exactly 10; the rest meet the lock, told once', async () => {
    const w = await world();
    const secret = await w.authenticator();
    // Five sign-ins, three guesses each: below the per-challenge limit (5), so only the account lock stops them.
    const ids = await w.challenges(5);
    const code = wrongCode(secret, w.clock());
    const answers = await verifyAll(
      w,
      Array.from({ length: 15 }, (_, index) => ({ challengeId: ids[index % 5] ?? '', code })),
    );
    // The lock is re-checked inside the transaction that counts: no code is judged after the 10th.
    expect(await w.failures()).toBe(10);
    expect(tally(answers)).toEqual({ mfa_code_invalid: 9, account_locked: 6 });
    expect(w.told).toEqual([{ kind: 'second-factor-locked', minutes: 15 }]);
    // During the lock even the right code is refused, and counts nothing.
    const right = await verifyAll(w, [{ challengeId: ids[0] ?? '', code: totpAt(secret, w.clock()) }]);
    expect(right).toEqual(['account_locked']);
    expect(await w.failures()).toBe(10);
  });

  it('attack: one authenticator code replayed at once in six sign-ins over several instances signs in once', async () => {
    const w = await world();
    const secret = await w.authenticator();
    const ids = await w.challenges(6);
    const code = totpAt(secret, w.clock());
    const answers = await verifyAll(
      w,
      ids.map((challengeId) => ({ challengeId, code })),
    );
    expect(tally(answers)).toEqual({ 'signed-in': 1, mfa_code_used: 5 });
    // A replay is not a wrong guess: nothing counts toward the lock.
    expect(await w.failures()).toBeUndefined();
  });

  it('attack: conditional writes decide alone: a time step, a challenge, a device nonce are each taken once', async () => {
    const w = await world();
    await w.authenticator();
    const [authenticator] = await w.at(0).authenticators.confirmedOf(w.user.id);
    if (!authenticator) throw new Error('No authenticator.');
    const step = Math.floor(w.clock() / 30_000);
    const steps = await Promise.all(
      Array.from({ length: 9 }, (_, index) => w.at(index).authenticators.acceptStep(authenticator.id, step)),
    );
    expect(steps.filter(Boolean)).toHaveLength(1);
    expect(await w.at(1).authenticators.acceptStep(authenticator.id, step - 1)).toBe(false);

    const idHash = (await w.at(0).challenges.start(w.user.id, {})).challenge.idHash;
    const consumed = await Promise.all(Array.from({ length: 9 }, (_, index) => w.at(index).challenges.consume(idHash)));
    expect(consumed.filter(Boolean)).toHaveLength(1);
    expect(await w.at(2).challenges.prove(idHash)).toBe(false);

    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' }) as DevicePublicKey;
    const device = await w.at(0).devices.register(w.user.id, jwk, 'Laptop', 30);
    const { nonce } = await w.at(1).devices.issueNonce();
    const signature = sign('sha256', Buffer.from(deviceProofMessage(nonce)), {
      key: privateKey,
      dsaEncoding: 'ieee-p1363',
    }).toString('base64url');
    const proof = { deviceId: device.id, nonce, signature };
    const proofs = await Promise.all(
      Array.from({ length: 6 }, (_, index) => w.at(index).devices.checkProof(w.user.id, proof, 30)),
    );
    expect(proofs.filter(Boolean)).toHaveLength(1);
  });

  it('attack: Resend pressed at once on several instances sends one code (the cooldown is re-checked in the transaction)', async () => {
    const w = await world();
    await w.at(0).policy.update({ channels: ['totp', 'email'] });
    const [challengeId = ''] = await w.challenges(1);
    const answers = await Promise.all(
      Array.from({ length: 6 }, async (_, index) => {
        try {
          return (await w.at(index).secondStep.send({ challengeId }, 'email')).channel;
        } catch (error) {
          if (error instanceof KeywayError) return error.code;
          throw error;
        }
      }),
    );
    expect(tally(answers)).toEqual({ email: 1, mfa_resend_too_soon: 5 });
    expect(w.mailed).toEqual(['ana@example.com']);
  });

  it('counts every wrong code of a challenge sent at once (the database increments)', async () => {
    const w = await world();
    const started = await w.at(0).challenges.start(w.user.id, {});
    const counts = await Promise.all(
      Array.from({ length: 8 }, (_, index) => w.at(index).challenges.recordFailure(started.challenge.idHash)),
    );
    expect([...counts].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect((await w.at(1).challenges.byHash(started.challenge.idHash))?.failedAttempts).toBe(8);
  });

  it('keeps both of two admins’ policy changes made at once on different instances', async () => {
    const w = await world();
    await Promise.all([
      w.at(0).policy.update({ mode: 'enforced' }),
      w.at(1).policy.update({ trustDays: 7 }),
      w.at(2).policy.update({ channels: ['totp', 'email'] }),
    ]);
    expect(await w.at(0).policy.read()).toEqual({ channels: ['totp', 'email'], mode: 'enforced', trustDays: 7 });
  });

  it('attack: a first enrolment only for the fresh redemption’s installation, before its first sign-in, by its ticket', async () => {
    const w = await world();
    const storage = w.at(0).storage;
    const enrolment = (index: number) => new FirstEnrolment(w.at(index).storage, w.clock);
    const ticket = 'T'.repeat(43);
    const redeemedAt = w.clock();
    await storage
      .q()
      .insertInto('deployments')
      .values({
        user_id: w.user.id,
        secret_hash: 'deployment-hash',
        created_at: redeemedAt - 60_000,
        expires_at: redeemedAt + 60_000,
        redeemed_at: redeemedAt,
        redeemed_by: 'installation-1',
        enrolment_ticket_hash: sha256Hex(ticket),
      })
      .execute();
    w.advance(1000);
    expect(await enrolment(1).allowedFor(w.user.id, 'installation-1')).toBe(true);
    expect(await enrolment(1).installationForTicket(w.user.id, ticket)).toBe('installation-1');
    // Another installation, no installation, another user, a made-up ticket: never.
    expect(await enrolment(2).allowedFor(w.user.id, 'installation-2')).toBe(false);
    expect(await enrolment(2).allowedFor(w.user.id, undefined)).toBe(false);
    expect(await enrolment(2).installationForTicket(w.user.id + 1, ticket)).toBeUndefined();
    expect(await enrolment(2).installationForTicket(w.user.id, 'U'.repeat(43))).toBeUndefined();
    // Once that installation has signed in, its deployment no longer enrols.
    await storage
      .q()
      .insertInto('session_families')
      .values({ user_id: w.user.id, installation_id: 'installation-1', created_at: w.clock(), revoked_at: null })
      .execute();
    expect(await enrolment(0).allowedFor(w.user.id, 'installation-1')).toBe(false);
    // Nor its ticket after the hour.
    w.advance(FRESH_DEPLOYMENT_MS);
    expect(await enrolment(1).installationForTicket(w.user.id, ticket)).toBeUndefined();
  });

  it('mails a notice only once its transaction commits: a rolled-back change tells nobody', async () => {
    const w = await world();
    const storage = w.at(0).storage;
    const notices: SecurityNotices = { tell: (_user, event) => w.told.push(event) };
    await expect(
      tellAfterCommit(storage, notices, async (held) => {
        await w.at(0).lock.recordFailure(w.user.id);
        held.tell(w.user, { kind: 'authenticator-added' });
        throw new Error('the transaction fails after its notice was asked for');
      }),
    ).rejects.toThrow('fails after');
    expect(w.told).toEqual([]);
    expect(await w.failures()).toBeUndefined();
    await tellAfterCommit(storage, notices, (held) => {
      held.tell(w.user, { kind: 'authenticator-removed' });
      return Promise.resolve();
    });
    expect(w.told).toEqual([{ kind: 'authenticator-removed' }]);
  });
});
