import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { AdminDeploymentStatus } from '../admin/admin-service';
import { openAdminService } from '../admin/open-admin';
import type { DeploymentProfile, ProfilePush } from '../deployment-profiles/deployment-profiles';
import type { ProfileChange, ProfileSettings } from '../deployment-profiles/profile-settings';
import { formatExpiry } from '../mail/deployment-email';
import { parseSmtpUrl } from '../mail/smtp-url';
import { parseChannels } from '../mfa/policy';
import { resolveDatabase, resolveDataDir } from './arguments';
import { UsageError, type CliIo } from './cli-io';

/**
 * `deployments list`, `deployment resend|revoke`, `profile create|edit|assign|unassign|list|push`,
 * `license publish|list`: deployment status, deployment profiles and licenses over AdminService (the
 * console at /admin calls the same methods).
 */
export const DEPLOYMENT_COMMANDS = ['deployments', 'deployment', 'profile', 'license'] as const;
export type DeploymentCommand = (typeof DEPLOYMENT_COMMANDS)[number];

export function isDeploymentCommand(name: string): name is DeploymentCommand {
  return (DEPLOYMENT_COMMANDS as readonly string[]).includes(name);
}

export const DEPLOYMENT_USAGE = `  deployments list    [--user ID]                      status of each deployment (sent, opened, redeemed, expired, revoked)
  deployment resend   --id N [--ttl-days N]            a new code to the same user; the old one is revoked if still open
  deployment revoke   --id N
  profile create      --name NAME [settings]
  profile edit        --name NAME [settings]           changes the draft; clients get it at "profile push"
  profile assign      --name NAME (--user ID | --domain corp.example)
  profile unassign    (--user ID | --domain corp.example)
  profile list
  profile push        --name NAME                      every client of its users applies it at next start/sign-in
      settings: [--sign-in password|oidc] [--mfa optional|enforced] [--mfa-channels totp,email,sms,passkey]
                [--license-version V] [--language en|fr|de]
                [--update-channel latest|beta|alpha] [--forgot-password on|off] [--manual-login on|off]
                (the value "none" clears a setting)
  license publish     --version V --text-file FILE
  license list`;

const base = { 'data-dir': { type: 'string' }, database: { type: 'string' } } as const;
const mail = {
  'public-origin': { type: 'string' },
  'smtp-url': { type: 'string' },
  'smtp-insecure': { type: 'boolean' },
} as const;
const settings = {
  'sign-in': { type: 'string' },
  mfa: { type: 'string' },
  'mfa-channels': { type: 'string' },
  'license-version': { type: 'string' },
  language: { type: 'string' },
  'update-channel': { type: 'string' },
  'forgot-password': { type: 'string' },
  'manual-login': { type: 'string' },
} as const;
const target = { user: { type: 'string' }, domain: { type: 'string' } } as const;

const SUBCOMMANDS = {
  deployments: { list: { ...base, user: { type: 'string' } } },
  deployment: {
    resend: { ...base, ...mail, id: { type: 'string' }, 'ttl-days': { type: 'string' } },
    revoke: { ...base, id: { type: 'string' } },
  },
  profile: {
    create: { ...base, name: { type: 'string' }, ...settings },
    edit: { ...base, name: { type: 'string' }, ...settings },
    assign: { ...base, name: { type: 'string' }, ...target },
    unassign: { ...base, ...target },
    list: { ...base },
    push: { ...base, name: { type: 'string' } },
  },
  license: {
    publish: { ...base, version: { type: 'string' }, 'text-file': { type: 'string' } },
    list: { ...base },
  },
} as const;

const id = z
  .string()
  .regex(/^\d{1,15}$/, 'must be a deployment id as "deployments list" shows it')
  .transform(Number);
const ttlDays = z
  .string()
  .regex(/^\d+(\.\d+)?$/, 'must be a number of days, such as 7 or 0.5')
  .transform(Number)
  .refine((value) => value > 0 && value <= 365, 'must be more than 0 and at most 365 days');
const onOff = z.enum(['on', 'off', 'none'], 'must be on, off or none').transform((value) => {
  if (value === 'none') return null;
  return value === 'on';
});
const orNone = (values: readonly [string, ...string[]], message: string) =>
  z.enum([...values, 'none'], message).transform((value) => (value === 'none' ? null : value));

/** "email, TOTP" → "totp,email" (the fixed order the profile stores); "none" clears the setting. */
const channelList = z
  .string()
  .trim()
  .transform((value, context) => {
    if (value === 'none') return null;
    try {
      return parseChannels(value).join(',');
    } catch {
      context.addIssue({
        code: 'custom',
        message: 'must be a comma-separated list of totp, email, sms, passkey, or none',
      });
      return z.NEVER;
    }
  });

/** Each setting option → the ProfileChange key and the check of its value (the message names the option). */
const SETTING_OPTIONS = {
  'sign-in': ['signInMethod', orNone(['password', 'oidc'], 'must be password, oidc or none')],
  mfa: ['mfaMode', orNone(['optional', 'enforced'], 'must be optional, enforced or none')],
  'mfa-channels': ['mfaChannels', channelList],
  'license-version': [
    'licenseVersion',
    z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .transform((value) => (value === 'none' ? null : value)),
  ],
  language: ['language', orNone(['en', 'fr', 'de'], 'must be en, fr, de or none')],
  'update-channel': ['updateChannel', orNone(['latest', 'beta', 'alpha'], 'must be latest, beta, alpha or none')],
  'forgot-password': ['forgotPassword', onOff],
  'manual-login': ['manualLogin', onOff],
} as const satisfies Record<keyof typeof settings, readonly [keyof ProfileChange, z.ZodType]>;

export async function runDeploymentCommand(command: DeploymentCommand, args: readonly string[], io: CliIo) {
  const table: Record<string, Record<string, { type: 'string' | 'boolean' }>> = SUBCOMMANDS[command];
  const [subcommand, ...rest] = args;
  if (subcommand === undefined || !Object.hasOwn(table, subcommand)) {
    throw new UsageError(`${command} needs one of: ${Object.keys(table).join(', ')}.`);
  }
  let values: Record<string, unknown>;
  try {
    values = parseArgs({ args: [...rest], options: table[subcommand], strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const option = (key: string): string | undefined => {
    const value = values[key];
    return typeof value === 'string' ? value : undefined;
  };
  const required = (key: string): string => {
    const value = option(key)?.trim();
    if (value === undefined || value === '') throw new UsageError(`--${key} is required.`);
    return value;
  };
  const checked = <T>(key: string, schema: z.ZodType<T>, value: string): T => {
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    throw new UsageError(`--${key} ${(result.error.issues[0]?.message ?? 'is not valid').replace(/\.$/, '')}.`);
  };

  const dataDir = resolveDataDir(option('data-dir'), io);
  const smtpUrl = option('smtp-url');
  const admin = await openAdminService({
    dataDir,
    database: resolveDatabase(dataDir, option('database'), io),
    publicOrigin: option('public-origin'),
    smtp: smtpUrl === undefined ? undefined : parseSmtpUrl(smtpUrl, values['smtp-insecure'] === true),
    secretKey: io.env.KEYWAY_SECRET_KEY,
  });
  try {
    const key = `${command} ${subcommand}`;
    switch (key) {
      case 'deployments list':
        printDeployments(await admin.listDeployments({ user: option('user') }), io);
        return;
      case 'deployment resend': {
        const days = option('ttl-days');
        const sent = await admin.resendDeployment(
          checked('id', id, required('id')),
          days === undefined ? {} : { ttlSeconds: Math.round(checked('ttl-days', ttlDays, days) * 86_400) },
        );
        io.out(
          `Sent deployment ${sent.id} to ${sent.user.loginId} <${sent.user.email}>, valid until ${formatExpiry(sent.expiresAt)}` +
            (sent.revokedPrevious ? `; deployment ${option('id') ?? ''} is revoked.` : '.'),
        );
        io.out(`  Authentication code: ${sent.code}`);
        return;
      }
      case 'deployment revoke': {
        const revoked = await admin.revokeDeployment(checked('id', id, required('id')));
        io.out(`Revoked deployment ${revoked.id} of ${revoked.loginId}: its code no longer works.`);
        return;
      }
      case 'profile create':
      case 'profile edit': {
        const change = profileChange(values, checked);
        const profile =
          subcommand === 'create'
            ? await admin.createProfile(required('name'), change)
            : await admin.editProfile(required('name'), change);
        io.out(`${subcommand === 'create' ? 'Created' : 'Changed'} profile ${describeProfile(profile)}.`);
        if (profile.pushed !== null || subcommand === 'edit')
          io.out(`Clients get it after: profile push --name "${profile.name}"`);
        return;
      }
      case 'profile assign': {
        const to = oneTarget(option('user'), option('domain'));
        const profile = await admin.assignProfile(required('name'), to);
        const who = 'user' in to ? to.user : `everyone in ${to.domain} without a profile of their own`;
        io.out(`Profile "${profile.name}" now applies to ${who}.`);
        return;
      }
      case 'profile unassign': {
        const from = oneTarget(option('user'), option('domain'));
        const removed = await admin.unassignProfile(from);
        const who = 'user' in from ? from.user : from.domain;
        io.out(removed ? `${who} has no profile assignment any more.` : `${who} had no profile assignment.`);
        return;
      }
      case 'profile list':
        printProfiles(await admin.listProfiles(), io);
        return;
      case 'profile push':
        printPush(await admin.pushProfile(required('name')), io);
        return;
      case 'license publish': {
        const file = path.resolve(io.cwd, required('text-file'));
        let text: string;
        try {
          text = readFileSync(file, 'utf8');
        } catch (error) {
          throw new UsageError(`--text-file cannot be read: ${error instanceof Error ? error.message : String(error)}`);
        }
        const published = await admin.publishLicense(required('version'), text);
        io.out(
          `Published license version ${published.version} (${text.length} characters). Users who have not ` +
            'accepted it see it at their next sign-in, unless their deployment profile pins another version.',
        );
        return;
      }
      case 'license list':
        printLicenses(await admin.listLicenses(), io);
        return;
    }
  } finally {
    admin.close();
  }
}

function profileChange(
  values: Record<string, unknown>,
  checked: <T>(key: string, schema: z.ZodType<T>, value: string) => T,
): ProfileChange {
  const change: Record<string, unknown> = {};
  for (const [option, [key, schema]] of Object.entries(SETTING_OPTIONS)) {
    const value = values[option];
    if (typeof value === 'string') change[key] = checked<unknown>(option, schema, value);
  }
  // Built key by key from SETTING_OPTIONS, whose keys are ProfileChange's; applyChange (profile-settings.ts)
  // validates every value again with zod before anything is stored.
  return change;
}

function oneTarget(user: string | undefined, domain: string | undefined): { user: string } | { domain: string } {
  if ((user === undefined) === (domain === undefined)) throw new UsageError('Give either --user or --domain.');
  return user !== undefined ? { user } : { domain: domain ?? '' };
}

function printDeployments(statuses: readonly AdminDeploymentStatus[], io: CliIo): void {
  if (statuses.length === 0) {
    io.out('No deployments yet. Send one with: send-deployment --user ID');
    return;
  }
  const when = (date: Date | undefined): string => (date === undefined ? '' : date.toISOString());
  printTable(
    [
      ['ID', 'USER', 'STATUS', 'SENT', 'OPENED', 'REDEEMED', 'INSTALLATION', 'CLIENT', 'EXPIRES'],
      ...statuses.map((s) => [
        String(s.id),
        s.loginId,
        s.state,
        when(s.createdAt),
        when(s.openedAt),
        when(s.redeemedAt),
        s.installationId ?? '',
        s.clientVersion ?? '',
        s.state === 'revoked' ? `revoked ${when(s.revokedAt)}` : when(s.expiresAt),
      ]),
    ],
    io,
  );
}

function describeSettings(settings: ProfileSettings): string {
  const parts = [
    settings.signInMethod && `sign-in ${settings.signInMethod}`,
    settings.mfaMode && `MFA ${settings.mfaMode}`,
    settings.mfaChannels && `MFA channels ${settings.mfaChannels}`,
    settings.licenseVersion && `license ${settings.licenseVersion}`,
    settings.language && `language ${settings.language}`,
    settings.updateChannel && `updates ${settings.updateChannel}`,
    settings.features?.forgotPassword !== undefined &&
      `forgot-password ${settings.features.forgotPassword ? 'on' : 'off'}`,
    settings.features?.manualLogin !== undefined && `manual login ${settings.features.manualLogin ? 'on' : 'off'}`,
  ].filter((part): part is string => typeof part === 'string');
  return parts.length === 0 ? 'no settings' : parts.join(', ');
}

function describeProfile(profile: DeploymentProfile): string {
  return `"${profile.name}" (${describeSettings(profile.settings)})`;
}

function printProfiles(profiles: readonly DeploymentProfile[], io: CliIo): void {
  if (profiles.length === 0) {
    io.out('No deployment profiles yet. Create one with: profile create --name NAME [settings]');
    return;
  }
  for (const profile of profiles) {
    io.out(describeProfile(profile));
    const assigned = [
      `${profile.users} user${profile.users === 1 ? '' : 's'} assigned`,
      profile.domains.length === 0 ? 'no domains' : `domains ${profile.domains.join(', ')}`,
    ];
    io.out(`  ${assigned.join('; ')}`);
    io.out(
      profile.pushed === null
        ? '  never pushed: clients get nothing from it yet'
        : `  pushed as version ${profile.pushed.version}: ${describeSettings(profile.pushed.settings)}`,
    );
  }
}

function printPush(push: ProfilePush, io: CliIo): void {
  io.out(`Pushed profile "${push.profile}" as version ${push.version}: ${describeSettings(push.settings)}.`);
  if (push.previous !== null) io.out(`  Before: ${describeSettings(push.previous)}.`);
  io.out(
    `  Reach: ${push.users} user${push.users === 1 ? '' : 's'}, ${push.clients} deployed client${push.clients === 1 ? '' : 's'}; ` +
      'each client applies it at its next start or silent sign-in.',
  );
}

function printLicenses(licenses: readonly { version: string; publishedAt: Date }[], io: CliIo): void {
  if (licenses.length === 0) {
    io.out(
      'No license published: clients are shown the built-in one. Publish with: license publish --version V --text-file FILE',
    );
    return;
  }
  printTable([['VERSION', 'PUBLISHED'], ...licenses.map((l) => [l.version, l.publishedAt.toISOString()])], io);
  io.out(`The newest (${licenses[0]?.version ?? ''}) is the server's license.`);
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
