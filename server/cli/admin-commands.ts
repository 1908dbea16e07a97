import { openAdminService } from '../admin/open-admin';
import type { AdminService, AdminUser } from '../admin/admin-service';
import { formatExpiry } from '../mail/deployment-email';
import type { MailReceipt } from '../mail/mail-delivery';
import { parseSmtpUrl } from '../mail/smtp-url';
import { parseCommandArgs, resolveDatabase, resolveDataDir, type Command, type CommandArgs } from './arguments';
import type { CliIo } from './cli-io';
import { setMfaPolicy, setPhone, showMfaPolicy } from './mfa-commands';
import { createOtpClient, listOtpClients, revokeOtpClient, setForgotPassword } from './self-service-commands';

type AdminCommand = Exclude<Command, 'serve' | 'migrate'>;

/** Runs one admin command against the data dir's database, with or without a running server. */
export async function runAdminCommand(command: AdminCommand, args: readonly string[], io: CliIo): Promise<void> {
  switch (command) {
    case 'create-user': {
      const options = parseCommandArgs(command, args);
      return withAdmin(options, io, (admin) => createUser(admin, options, io));
    }
    case 'send-deployment': {
      const options = parseCommandArgs(command, args);
      return withAdmin(options, io, (admin) => sendDeployment(admin, options, io));
    }
    case 'list-users':
      return withAdmin(parseCommandArgs(command, args), io, (admin) => listUsers(admin, io));
    case 'reset-password': {
      const options = parseCommandArgs(command, args);
      return withAdmin(options, io, (admin) => resetPassword(admin, options, io));
    }
    case 'revoke-sessions': {
      const options = parseCommandArgs(command, args);
      return withAdmin(options, io, async (admin) => {
        const { user, revokedSessions } = await admin.revokeSessions(options.user);
        io.out(`Revoked ${plural(revokedSessions, 'session')} of ${user.loginId}.`);
      });
    }
    case 'set-sign-in': {
      const options = parseCommandArgs(command, args);
      return withAdmin(options, io, (admin) => setSignIn(admin, options, io));
    }
    case 'set-domain-sign-in': {
      const options = parseCommandArgs(command, args);
      return withAdmin(options, io, (admin) => setDomainSignIn(admin, options, io));
    }
    case 'list-domains':
      return withAdmin(parseCommandArgs(command, args), io, (admin) => listDomains(admin, io));
    case 'set-mfa-policy': {
      const options = parseCommandArgs(command, args);
      return withAdmin(options, io, (admin) => setMfaPolicy(admin, options, io));
    }
    case 'show-mfa-policy':
      return withAdmin(parseCommandArgs(command, args), io, (admin) => showMfaPolicy(admin, io));
    case 'reset-mfa': {
      const options = parseCommandArgs(command, args);
      return withAdmin(options, io, async (admin) => {
        const reset = await admin.resetMfa(options.user);
        io.out(
          `Removed ${plural(reset.authenticators, 'authenticator')} and ` +
            `${plural(reset.recoveryCodes, 'unused recovery code')} of ${reset.user.loginId} and ` +
            `forgot ${plural(reset.devices, 'remembered device')}.`,
        );
        io.out('This reset is recorded in the audit log.');
      });
    }
    case 'set-phone': {
      const options = parseCommandArgs(command, args);
      return withAdmin(options, io, (admin) => setPhone(admin, options, io));
    }
    case 'set-forgot-password': {
      const options = parseCommandArgs(command, args);
      return withAdmin(options, io, (admin) => setForgotPassword(admin, options, io));
    }
    case 'create-otp-client': {
      const options = parseCommandArgs(command, args);
      return withAdmin(options, io, (admin) => createOtpClient(admin, options, io));
    }
    case 'list-otp-clients':
      return withAdmin(parseCommandArgs(command, args), io, (admin) => listOtpClients(admin, io));
    case 'grant-admin': {
      const options = parseCommandArgs(command, args);
      return withAdmin(options, io, async (admin) => {
        const { user, changed } = await admin.grantAdmin(options.user);
        io.out(
          changed
            ? `${user.loginId} is now an admin: they sign in to ${admin.origin || 'the server'}/admin with their password and an authenticator app.`
            : `${user.loginId} was already an admin.`,
        );
      });
    }
    case 'revoke-admin': {
      const options = parseCommandArgs(command, args);
      return withAdmin(options, io, async (admin) => {
        const { user, changed } = await admin.revokeAdmin(options.user);
        io.out(
          changed
            ? `${user.loginId} is no longer an admin; their admin console sessions have ended.`
            : `${user.loginId} was not an admin.`,
        );
      });
    }
    case 'lock-user': {
      const options = parseCommandArgs(command, args);
      return withAdmin(options, io, async (admin) => {
        const { user, changed, revokedSessions } = await admin.lockUser(options.user, { reason: options.reason });
        io.out(
          changed
            ? `${user.loginId} is locked: they cannot sign in until unlock-user; ended ${plural(revokedSessions, 'session')}.`
            : `${user.loginId} was already locked.`,
        );
      });
    }
    case 'unlock-user': {
      const options = parseCommandArgs(command, args);
      return withAdmin(options, io, async (admin) => {
        const { user, changed } = await admin.unlockUser(options.user);
        io.out(changed ? `${user.loginId} is unlocked and can sign in again.` : `${user.loginId} was not locked.`);
      });
    }
    case 'revoke-otp-client': {
      const options = parseCommandArgs(command, args);
      return withAdmin(options, io, (admin) => revokeOtpClient(admin, options, io));
    }
  }
}

interface CommonOptions {
  'data-dir'?: string | undefined;
  database?: string | undefined;
  'public-origin'?: string | undefined;
  'smtp-url'?: string | undefined;
  'smtp-insecure'?: boolean | undefined;
}

async function withAdmin(
  options: CommonOptions,
  io: CliIo,
  run: (admin: AdminService) => void | Promise<void>,
): Promise<void> {
  const smtpUrl = options['smtp-url'];
  const dataDir = resolveDataDir(options['data-dir'], io);
  const admin = await openAdminService({
    dataDir,
    database: resolveDatabase(dataDir, options.database, io),
    publicOrigin: options['public-origin'],
    smtp: smtpUrl === undefined ? undefined : parseSmtpUrl(smtpUrl, options['smtp-insecure'] === true),
    secretKey: io.env.KEYWAY_SECRET_KEY,
  });
  try {
    await run(admin);
  } finally {
    admin.close();
  }
}

async function createUser(admin: AdminService, options: CommandArgs<'create-user'>, io: CliIo): Promise<void> {
  const created = await admin.createUser({
    loginId: options['login-id'],
    email: options.email,
    displayName: options['display-name'],
    password: options.password,
    aliases: options.alias,
    phone: options.phone,
  });
  io.out(`Created user ${describeUser(created.user)}.`);
  if (created.user.phone !== undefined) io.out(`Phone: ${created.user.phone}`);
  if (created.passwordGenerated) io.out(`Initial password: ${created.password}`);
  if (created.welcomeEmail) io.out(`Welcome e-mail: ${describeReceipt(created.welcomeEmail)}`);
}

async function sendDeployment(admin: AdminService, options: CommandArgs<'send-deployment'>, io: CliIo): Promise<void> {
  const ttlDays = options['ttl-days'];
  const deployment = await admin.sendDeployment(
    options.user,
    ttlDays === undefined ? {} : { ttlSeconds: Math.round(ttlDays * 86_400) },
  );
  io.out(`Deployment for ${describeUser(deployment.user)}, valid until ${formatExpiry(deployment.expiresAt)}:`);
  io.out(`  Authentication code: ${deployment.code}`);
  io.out(`  Deep link:           ${deployment.deepLink}`);
  io.out(`  Landing link:        ${deployment.landingUrl}`);
  if (deployment.email) io.out(`  E-mail:              ${describeReceipt(deployment.email)}`);
}

async function listUsers(admin: AdminService, io: CliIo): Promise<void> {
  const users = await admin.listUsers();
  if (users.length === 0) {
    io.out('No users yet. Create one with: create-user --login-id ID --email E --display-name NAME');
    return;
  }
  printTable(
    [
      ['LOGIN ID', 'E-MAIL', 'DISPLAY NAME', 'SIGN-IN', 'ALIASES'],
      ...users.map((user) => [user.loginId, user.email, user.displayName, signInOf(user), user.aliases.join(', ')]),
    ],
    io,
  );
}

/** The user's effective method, and the domain when it is the domain that switched them. */
function signInOf(user: AdminUser): string {
  const method = user.signInDomain === undefined ? user.effectiveSignInMethod : `oidc (domain ${user.signInDomain})`;
  // An admin's lock overrides every method (lock-user); shown where the method is.
  return user.locked === undefined ? method : `${method}, LOCKED`;
}

async function setSignIn(admin: AdminService, options: CommandArgs<'set-sign-in'>, io: CliIo): Promise<void> {
  const { user, changed } = await admin.setSignInMethod(options.user, options.method);
  const how = describeMethod(options.method, admin);
  io.out(changed ? `${user.loginId} now signs in with ${how}.` : `${user.loginId} already signs in with ${how}.`);
  if (user.signInDomain !== undefined) {
    io.out(
      `Note: the domain ${user.signInDomain} is switched to unified login, so ${user.loginId} still signs in with OIDC ` +
        `(set-domain-sign-in --domain ${user.signInDomain} --method password changes that).`,
    );
  }
}

async function setDomainSignIn(
  admin: AdminService,
  options: CommandArgs<'set-domain-sign-in'>,
  io: CliIo,
): Promise<void> {
  const result = await admin.setDomainSignInMethod(options.domain, options.method);
  const how = describeMethod(result.method, admin);
  const who = `Everyone with an address in ${result.domain} (${plural(result.users, 'user')} now, and anyone added later)`;
  io.out(result.changed ? `${who} now signs in with ${how}.` : `${who} already signs in with ${how}.`);
  if (result.method === 'password' && result.users > 0) {
    io.out('Users switched to OIDC one by one (set-sign-in) keep it.');
  }
}

async function listDomains(admin: AdminService, io: CliIo): Promise<void> {
  const domains = await admin.listSignInDomains();
  if (domains.length === 0) {
    io.out('No domain is switched to unified login. Switch one with: set-domain-sign-in --domain D --method oidc');
    return;
  }
  printTable([['DOMAIN', 'SIGN-IN'], ...domains.map((entry) => [entry.domain, entry.method])], io);
}

function describeMethod(method: 'oidc' | 'password', admin: AdminService): string {
  if (method === 'password') return 'a password';
  return admin.origin === '' ? 'unified login (OIDC)' : `unified login (OIDC at ${admin.issuer})`;
}

function printTable(rows: readonly (readonly string[])[], io: CliIo): void {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  for (const row of rows)
    io.out(
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd(),
    );
}

async function resetPassword(admin: AdminService, options: CommandArgs<'reset-password'>, io: CliIo): Promise<void> {
  const reset = await admin.resetPassword(options.user, { password: options.password });
  io.out(`Password of ${reset.user.loginId} reset; revoked ${plural(reset.revokedSessions, 'session')}.`);
  if (reset.passwordGenerated) io.out(`New password: ${reset.password}`);
}

function describeUser(user: AdminUser): string {
  const aliases = user.aliases.length === 0 ? '' : `, aliases ${user.aliases.join(', ')}`;
  return `${user.loginId} (${user.displayName} <${user.email}>${aliases})`;
}

function describeReceipt(receipt: MailReceipt): string {
  return receipt.file === undefined ? `sent to ${receipt.to} via SMTP` : `saved to ${receipt.file}`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
