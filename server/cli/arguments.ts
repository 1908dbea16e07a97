import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { LoginId } from '../../protocol/api';
import { parseDomain } from '../discovery/domain-name';
import { databaseLocation, type DatabaseLocation } from '../storage/database';
import { UsageError, type CliIo } from './cli-io';

export const DEFAULT_DATA_DIR = '.keyway-dev/server';
export const DEFAULT_PORT = 7400;

type OptionSpec = Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>;

// Every command takes --database postgres://… (else $KEYWAY_DATABASE_URL, else SQLite in the data dir).
const dataDir = { 'data-dir': { type: 'string' }, database: { type: 'string' } } as const;
const mailAndOrigin = {
  'public-origin': { type: 'string' },
  'smtp-url': { type: 'string' },
  // Sends mail even where the relay offers no STARTTLS: the admin's explicit, named choice (smtp-url.ts).
  'smtp-insecure': { type: 'boolean' },
} as const;

/** Each command's options, as node:util parseArgs reads them. */
export const COMMAND_OPTIONS = {
  serve: {
    ...dataDir,
    ...mailAndOrigin,
    port: { type: 'string' },
    host: { type: 'string' },
    'seed-demo': { type: 'boolean' },
    'sms-webhook-url': { type: 'string' },
    'otp-ttl-seconds': { type: 'string' },
    'updates-dir': { type: 'string' },
    // Apply pending migrations at start (PostgreSQL; SQLite in the data dir always does).
    migrate: { type: 'boolean' },
    // Audit sinks (server/audit/sink-config.ts): CLASS=URL per webhook, and the JSON-lines file.
    'audit-webhook': { type: 'string', multiple: true },
    'audit-log-file': { type: 'string' },
  },
  migrate: { ...dataDir },
  'create-user': {
    ...dataDir,
    ...mailAndOrigin,
    'login-id': { type: 'string' },
    email: { type: 'string' },
    'display-name': { type: 'string' },
    password: { type: 'string' },
    alias: { type: 'string', multiple: true },
    phone: { type: 'string' },
  },
  'send-deployment': { ...dataDir, ...mailAndOrigin, user: { type: 'string' }, 'ttl-days': { type: 'string' } },
  'list-users': { ...dataDir },
  'reset-password': { ...dataDir, user: { type: 'string' }, password: { type: 'string' } },
  'revoke-sessions': { ...dataDir, user: { type: 'string' } },
  'set-sign-in': { ...dataDir, user: { type: 'string' }, method: { type: 'string' } },
  'set-domain-sign-in': { ...dataDir, domain: { type: 'string' }, method: { type: 'string' } },
  'list-domains': { ...dataDir },
  'set-mfa-policy': {
    ...dataDir,
    channels: { type: 'string' },
    mode: { type: 'string' },
    'trust-days': { type: 'string' },
  },
  'show-mfa-policy': { ...dataDir },
  'reset-mfa': { ...dataDir, user: { type: 'string' } },
  'set-phone': { ...dataDir, user: { type: 'string' }, phone: { type: 'string' }, clear: { type: 'boolean' } },
  'set-forgot-password': { ...dataDir, enabled: { type: 'string' }, 'link-minutes': { type: 'string' } },
  'create-otp-client': { ...dataDir, name: { type: 'string' } },
  'list-otp-clients': { ...dataDir },
  'revoke-otp-client': { ...dataDir, name: { type: 'string' } },
  'grant-admin': { ...dataDir, user: { type: 'string' } },
  'revoke-admin': { ...dataDir, user: { type: 'string' } },
  'lock-user': { ...dataDir, user: { type: 'string' }, reason: { type: 'string' } },
  'unlock-user': { ...dataDir, user: { type: 'string' } },
} as const satisfies Record<string, OptionSpec>;
export type Command = keyof typeof COMMAND_OPTIONS;

const text = z.string().trim().min(1, 'must not be empty');
const port = z
  .string()
  .regex(/^\d{1,5}$/, 'must be a whole number from 0 to 65535')
  .transform(Number)
  .refine((value) => value <= 65_535, 'must be a whole number from 0 to 65535');
const days = z
  .string()
  .regex(/^\d+(\.\d+)?$/, 'must be a number of days, such as 7 or 0.5')
  .transform(Number)
  .refine((value) => value > 0 && value <= 365, 'must be more than 0 and at most 365 days');
const method = z.enum(['oidc', 'password'], 'must be oidc or password');
const channels = z
  .string()
  .regex(
    /^\s*(totp|email|sms|passkey)\s*(,\s*(totp|email|sms|passkey)\s*)*$/i,
    'must list channels from totp, email, sms, passkey, such as totp,passkey',
  );
const trustDays = z
  .string()
  .regex(/^\d{1,3}$/, 'must be a whole number of days from 1 to 365')
  .transform(Number)
  .refine((value) => value >= 1 && value <= 365, 'must be a whole number of days from 1 to 365');
const domain = z.string().refine((value) => {
  try {
    parseDomain(value);
    return true;
  } catch {
    return false;
  }
}, 'must be a domain name such as corp.example (no "@", no scheme)');

/** What each command's values must look like once parsed; a failure names the option. */
const COMMAND_SCHEMAS = {
  serve: z.object({
    'data-dir': text.optional(),
    database: text.optional(),
    port: port.optional(),
    host: text.optional(),
    'public-origin': text.optional(),
    'smtp-url': text.optional(),
    'smtp-insecure': z.boolean().optional(),
    'seed-demo': z.boolean().optional(),
    'sms-webhook-url': text.optional(),
    'otp-ttl-seconds': z
      .string()
      .regex(/^\d{1,3}$/, 'must be a whole number of seconds from 5 to 600')
      .transform(Number)
      .refine((value) => value >= 5 && value <= 600, 'must be a whole number of seconds from 5 to 600')
      .optional(),
    'updates-dir': text.optional(),
    migrate: z.boolean().optional(),
    'audit-webhook': z
      .array(z.string().regex(/^[a-z-]+=\S+$/, 'must be CLASS=URL, such as sign-in=https://siem.example/keyway'))
      .optional(),
    'audit-log-file': text.optional(),
  }),
  migrate: z.object({ 'data-dir': text.optional(), database: text.optional() }),
  'create-user': z.object({
    'data-dir': text.optional(),
    database: text.optional(),
    'public-origin': text.optional(),
    'smtp-url': text.optional(),
    'smtp-insecure': z.boolean().optional(),
    'login-id': LoginId,
    email: text,
    'display-name': text,
    password: z.string().optional(),
    alias: z.array(LoginId).optional(),
    phone: text.optional(),
  }),
  'send-deployment': z.object({
    'data-dir': text.optional(),
    database: text.optional(),
    'public-origin': text.optional(),
    'smtp-url': text.optional(),
    'smtp-insecure': z.boolean().optional(),
    user: text,
    'ttl-days': days.optional(),
  }),
  'list-users': z.object({ 'data-dir': text.optional(), database: text.optional() }),
  'reset-password': z.object({
    'data-dir': text.optional(),
    database: text.optional(),
    user: text,
    password: z.string().optional(),
  }),
  'revoke-sessions': z.object({ 'data-dir': text.optional(), database: text.optional(), user: text }),
  'set-sign-in': z.object({ 'data-dir': text.optional(), database: text.optional(), user: text, method }),
  'set-domain-sign-in': z.object({ 'data-dir': text.optional(), database: text.optional(), domain, method }),
  'list-domains': z.object({ 'data-dir': text.optional(), database: text.optional() }),
  'set-mfa-policy': z.object({
    'data-dir': text.optional(),
    database: text.optional(),
    channels: channels.optional(),
    mode: z.enum(['optional', 'enforced'], 'must be optional or enforced').optional(),
    'trust-days': trustDays.optional(),
  }),
  'show-mfa-policy': z.object({ 'data-dir': text.optional(), database: text.optional() }),
  'reset-mfa': z.object({ 'data-dir': text.optional(), database: text.optional(), user: text }),
  'set-phone': z.object({
    'data-dir': text.optional(),
    database: text.optional(),
    user: text,
    phone: text.optional(),
    clear: z.boolean().optional(),
  }),
  'set-forgot-password': z.object({
    'data-dir': text.optional(),
    database: text.optional(),
    enabled: z
      .enum(['on', 'off'], 'must be on or off')
      .transform((value) => value === 'on')
      .optional(),
    'link-minutes': z
      .string()
      .regex(/^\d{1,4}$/, 'must be a whole number of minutes from 5 to 1440')
      .transform(Number)
      .refine((value) => value >= 5 && value <= 1440, 'must be a whole number of minutes from 5 to 1440')
      .optional(),
  }),
  'create-otp-client': z.object({ 'data-dir': text.optional(), database: text.optional(), name: text }),
  'list-otp-clients': z.object({ 'data-dir': text.optional(), database: text.optional() }),
  'revoke-otp-client': z.object({ 'data-dir': text.optional(), database: text.optional(), name: text }),
  'grant-admin': z.object({ 'data-dir': text.optional(), database: text.optional(), user: text }),
  'revoke-admin': z.object({ 'data-dir': text.optional(), database: text.optional(), user: text }),
  // The reason's own rules (one line, 200 characters) are the AdminService's, so the console gets them too.
  'lock-user': z.object({
    'data-dir': text.optional(),
    database: text.optional(),
    user: text,
    reason: z.string().optional(),
  }),
  'unlock-user': z.object({ 'data-dir': text.optional(), database: text.optional(), user: text }),
} satisfies Record<Command, z.ZodType>;

export type CommandArgs<C extends Command> = z.output<(typeof COMMAND_SCHEMAS)[C]>;

export function isCommand(name: string): name is Command {
  return Object.hasOwn(COMMAND_OPTIONS, name);
}

export function parseCommandArgs<C extends Command>(command: C, args: readonly string[]): CommandArgs<C> {
  let values: Record<string, unknown>;
  try {
    values = parseArgs({
      args: [...args],
      options: COMMAND_OPTIONS[command],
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    // node:util's messages already name the option ("Unknown option '--usr'").
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const result = COMMAND_SCHEMAS[command].safeParse(values);
  if (result.success) return result.data as CommandArgs<C>;
  const issue = result.error.issues[0];
  const option = String(issue?.path[0] ?? '');
  if (values[option] === undefined) throw new UsageError(`--${option} is required.`);
  const message = (issue?.message ?? 'is not valid').replace(/\.$/, '');
  // Our own messages read on from the option ("--port must be …"); zod's and protocol's are sentences.
  throw new UsageError(/^[a-z]/.test(message) ? `--${option} ${message}.` : `--${option}: ${message}.`);
}

/** --database, else KEYWAY_DATABASE_URL, else SQLite in the data dir (server/storage/database.ts). */
export function resolveDatabase(dataDir: string, option: string | undefined, io: CliIo): DatabaseLocation {
  return databaseLocation(dataDir, option, io.env);
}

/** --data-dir, else KEYWAY_DATA_DIR, else .keyway-dev/server; relative to the working directory. */
export function resolveDataDir(option: string | undefined, io: CliIo): string {
  return path.resolve(io.cwd, option ?? io.env.KEYWAY_DATA_DIR ?? DEFAULT_DATA_DIR);
}
