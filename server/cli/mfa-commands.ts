import type { AdminService } from '../admin/admin-service';
import { weakChannelNotice, type MfaPolicy } from '../mfa/policy';
import type { CommandArgs } from './arguments';
import { UsageError, type CliIo } from './cli-io';

export async function setMfaPolicy(
  admin: AdminService,
  options: CommandArgs<'set-mfa-policy'>,
  io: CliIo,
): Promise<void> {
  const policy = await admin.setMfaPolicy({
    channels: options.channels,
    mode: options.mode,
    trustDays: options['trust-days'],
  });
  printPolicy(policy, io);
  // Allowed (it may be an emergency), but never silently: say whose channels it leaves empty.
  const stranded = await admin.profilesWithoutServerChannels();
  if (stranded.length > 0) {
    io.out(
      `Warning: the MFA channels of profile ${stranded.map((name) => `"${name}"`).join(', ')} share none with these; ` +
        "their users get the server's channels instead (still with MFA where it is enforced). " +
        'Fix with profile edit --mfa-channels and push.',
    );
  }
}

export async function showMfaPolicy(admin: AdminService, io: CliIo): Promise<void> {
  printPolicy(await admin.mfaPolicy(), io);
}

export async function setPhone(admin: AdminService, options: CommandArgs<'set-phone'>, io: CliIo): Promise<void> {
  if ((options.phone === undefined) === (options.clear !== true)) {
    throw new UsageError('Give either --phone +<country code><number> or --clear.');
  }
  const user = await admin.setPhone(options.user, options.phone);
  io.out(
    user.phone === undefined ? `${user.loginId} has no phone number now.` : `Phone of ${user.loginId}: ${user.phone}.`,
  );
  if (user.phone !== undefined && !(await admin.mfaPolicy()).channels.includes('sms')) {
    io.out('SMS codes are not allowed yet; allow them with set-mfa-policy --channels (e.g. totp,sms).');
  }
}

function printPolicy(policy: MfaPolicy, io: CliIo): void {
  io.out(`MFA channels:      ${policy.channels.join(', ')}`);
  io.out(`MFA mode:          ${policy.mode}`);
  io.out(`Device trust:      ${policy.trustDays} day${policy.trustDays === 1 ? '' : 's'}`);
  io.out(
    policy.mode === 'enforced'
      ? 'Every password sign-in needs a second step; users without an authenticator app set one up at their next sign-in.'
      : 'Users who set up an authenticator app are asked for a code; everyone else signs in with the password alone.',
  );
  const notice = weakChannelNotice(policy);
  if (notice !== undefined) io.out(notice);
}
