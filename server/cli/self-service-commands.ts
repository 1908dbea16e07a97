import type { AdminService } from '../admin/admin-service';
import type { CommandArgs } from './arguments';
import type { CliIo } from './cli-io';

/** Forgot password and the front ends of one-time passwords for other services. */

export async function setForgotPassword(
  admin: AdminService,
  options: CommandArgs<'set-forgot-password'>,
  io: CliIo,
): Promise<void> {
  const policy = await admin.setPasswordResetPolicy({
    enabled: options.enabled,
    linkTtlMinutes: options['link-minutes'],
  });
  io.out(`Forgot password:   ${policy.enabled ? 'on' : 'off'}`);
  io.out(`Reset links work:  ${policy.linkTtlMinutes} minutes, once`);
  io.out(
    policy.enabled
      ? 'Keyway shows "Forgot your password?" on its password page; the link goes to the user\'s e-mail address.'
      : 'Users who forget their password ask IT (reset-password).',
  );
}

export async function createOtpClient(
  admin: AdminService,
  options: CommandArgs<'create-otp-client'>,
  io: CliIo,
): Promise<void> {
  const { client, apiKey } = await admin.createOtpClient(options.name);
  io.out(`Front end "${client.name}" may now verify one-time passwords (POST /api/v1/otp/verify).`);
  io.out(`API key (shown once; only its hash is kept): ${apiKey}`);
  io.out('Send it as "Authorization: Bearer <key>". See docs/otp-verify.md.');
}

export async function listOtpClients(admin: AdminService, io: CliIo): Promise<void> {
  const clients = await admin.listOtpClients();
  if (clients.length === 0) {
    io.out('No front end may verify one-time passwords yet. Add one with: create-otp-client --name NAME');
    return;
  }
  const when = (ms: number | undefined): string => (ms === undefined ? '-' : new Date(ms).toISOString().slice(0, 16));
  const rows = [
    ['NAME', 'CREATED', 'LAST USED', 'REVOKED'],
    ...clients.map((client) => [
      client.name.replace(/~revoked-\d+$/, ''),
      when(client.createdAt),
      when(client.lastUsedAt),
      when(client.revokedAt),
    ]),
  ];
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  for (const row of rows)
    io.out(
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd(),
    );
}

export async function revokeOtpClient(
  admin: AdminService,
  options: CommandArgs<'revoke-otp-client'>,
  io: CliIo,
): Promise<void> {
  await admin.revokeOtpClient(options.name);
  io.out(`The API key of "${options.name}" is revoked; its checks are refused from now on.`);
}
