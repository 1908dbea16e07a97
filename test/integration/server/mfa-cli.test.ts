import { describe, expect, it } from 'vitest';
import { runCli } from '../../../server/cli/run-cli';
import { VerifiedSession } from '../../../protocol/mfa';
import {
  challenged,
  deviceProof,
  enrolAna,
  newDeviceKey,
  passwordSignIn,
  redeemFreshDeployment,
  startMfaServer,
  totpCode,
  verify,
} from './mfa-fixture';
import { ANA, cliDatabaseEnv, startTestServer, tempDir } from './server-fixture';

async function cli(
  dataDir: string,
  argv: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    env: { KEYWAY_DATA_DIR: dataDir, ...(await cliDatabaseEnv(dataDir)), ...env },
    cwd: dataDir,
  });
  return { code, out, err };
}

const NIST =
  /^Note: NIST SP 800-63B does not count e-mail as an out-of-band authenticator and counts SMS only as a restricted one/;

describe('the admin CLI for MFA', () => {
  it('shows the default policy and changes parts of it, with the NIST notice for e-mail and SMS', async () => {
    const dataDir = tempDir();
    const shown = await cli(dataDir, ['show-mfa-policy']);
    expect(shown.code).toBe(0);
    expect(shown.out).toEqual([
      'MFA channels:      totp',
      'MFA mode:          optional',
      'Device trust:      30 days',
      'Users who set up an authenticator app are asked for a code; everyone else signs in with the password alone.',
    ]);

    const set = await cli(dataDir, ['set-mfa-policy', '--channels', 'sms,totp', '--mode', 'enforced']);
    expect(set.err).toEqual([]);
    expect(set.out.slice(0, 4)).toEqual([
      'MFA channels:      totp, sms',
      'MFA mode:          enforced',
      'Device trust:      30 days',
      'Every password sign-in needs a second step; users without an authenticator app set one up at their next sign-in.',
    ]);
    expect(set.out[4]).toMatch(NIST);
    expect(set.out[4]).toMatch(/you allowed SMS/);
    expect(set.out).toHaveLength(5);

    const trust = await cli(dataDir, ['set-mfa-policy', '--trust-days', '7']);
    expect(trust.out.slice(0, 3)).toEqual([
      'MFA channels:      totp, sms',
      'MFA mode:          enforced',
      'Device trust:      7 days',
    ]);
    const email = await cli(dataDir, ['set-mfa-policy', '--channels', 'totp,email']);
    expect(email.out.at(-1)).toMatch(/you allowed e-mail/);
  });

  it('refuses bad values with a usage error that names the option', async () => {
    const dataDir = tempDir();
    const voice = await cli(dataDir, ['set-mfa-policy', '--channels', 'totp,voice']);
    expect(voice.code).toBe(2);
    expect(voice.err[0]).toBe(
      'error: --channels must list channels from totp, email, sms, passkey, such as totp,passkey.',
    );
    const mode = await cli(dataDir, ['set-mfa-policy', '--mode', 'always']);
    expect(mode.code).toBe(2);
    expect(mode.err[0]).toBe('error: --mode must be optional or enforced.');
    const days = await cli(dataDir, ['set-mfa-policy', '--trust-days', '0']);
    expect(days.code).toBe(2);
    expect(days.err[0]).toBe('error: --trust-days must be a whole number of days from 1 to 365.');
  });

  it('gives users a phone number (E.164) at creation or later, and removes it', async () => {
    const dataDir = tempDir();
    const created = await cli(dataDir, [
      'create-user',
      '--login-id',
      'ana',
      '--email',
      'ana@example.com',
      '--display-name',
      'Ana Example',
      '--password',
      ANA.password,
      '--phone',
      '+44 7700 900123',
    ]);
    expect(created.err).toEqual([]);
    expect(created.out.slice(0, 2)).toEqual([
      'Created user ana (Ana Example <ana@example.com>).',
      'Phone: +447700900123',
    ]);

    const changed = await cli(dataDir, ['set-phone', '--user', 'ANA@example.com', '--phone', '+1 415 555 0100']);
    expect(changed.out).toEqual([
      'Phone of ana: +14155550100.',
      'SMS codes are not allowed yet; allow them with set-mfa-policy --channels (e.g. totp,sms).',
    ]);
    const bad = await cli(dataDir, ['set-phone', '--user', 'ana', '--phone', '07700 900123']);
    expect(bad.code).toBe(1);
    expect(bad.err[0]).toMatch(/^error: "07700 900123" is not a phone number in international \(E\.164\) form/);
    const neither = await cli(dataDir, ['set-phone', '--user', 'ana']);
    expect(neither.code).toBe(2);
    expect(neither.err[0]).toBe('error: Give either --phone +<country code><number> or --clear.');
    expect((await cli(dataDir, ['set-phone', '--user', 'ana', '--clear'])).out).toEqual([
      'ana has no phone number now.',
    ]);

    const refused = await cli(dataDir, [
      'create-user',
      '--login-id',
      'bob',
      '--email',
      'bob@example.com',
      '--display-name',
      'Bob',
      '--phone',
      '12345',
    ]);
    expect(refused.code).toBe(1);
    expect(refused.err[0]).toMatch(/E\.164/);
  });

  it('changes a running server’s policy through its data dir', async () => {
    const test = await startTestServer();
    await test.server.admin.createUser({ ...ANA, sendWelcomeEmail: false });
    expect((await passwordSignIn(test.origin)).status).toBe(200);
    expect((await cli(test.dataDir, ['set-mfa-policy', '--mode', 'enforced'])).code).toBe(0);
    // Enforced now: the password alone asks for a second step (and, with no deployment, offers no enrolment).
    expect((await challenged(test.origin)).channels).toEqual([{ channel: 'totp', hint: '', available: false }]);
  });

  it('resets a user who lost their authenticator: no authenticators, no remembered devices', async () => {
    const test = await startMfaServer({ mode: 'enforced' });
    const { secret } = await enrolAna(test);
    const key = newDeviceKey();
    const required = await challenged(test.origin);
    const session = VerifiedSession.parse(
      (
        await verify(test.origin, {
          challengeId: required.challengeId,
          channel: 'totp',
          code: totpCode(secret, test),
          rememberDevice: { publicKey: key.publicKey, name: 'Laptop' },
        })
      ).body,
    );
    const deviceId = session.trustedDevice?.deviceId ?? '';

    const reset = await cli(test.dataDir, ['reset-mfa', '--user', ANA.email]);
    expect(reset.err).toEqual([]);
    expect(reset.out).toEqual(['Removed 1 authenticator of ana and forgot 1 remembered device.']);
    const after = await challenged(test.origin, { deviceProof: await deviceProof(test.origin, deviceId, key) });
    // The password alone may not enrol again; a new deployment from the admin may.
    expect(after.enrollmentRequired).toBe(false);
    test.advance(1000);
    await redeemFreshDeployment(test);
    expect((await challenged(test.origin)).enrollmentRequired).toBe(true);
    expect((await cli(test.dataDir, ['reset-mfa', '--user', 'nobody'])).code).toBe(1);
  });

  it('serve refuses an SMS webhook without its signing secret', async () => {
    const dataDir = tempDir();
    const run = await cli(dataDir, ['serve', '--port', '0', '--sms-webhook-url', 'https://gateway.example/sms']);
    expect(run.code).toBe(2);
    expect(run.err[0]).toBe(
      'error: --sms-webhook-url needs the secret that signs its requests in the environment variable KEYWAY_SMS_WEBHOOK_SECRET.',
    );
  });
});
