import { statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { AdminService } from '../admin/admin-service';
import { AUDIT_CLASSES } from '../audit/events';
import { auditSinkOptionsFromEnv, type AuditSinkOptions } from '../audit/sink-config';
import { parseTrustedProxies } from '../http/trusted-proxies';
import { parseSmtpUrl } from '../mail/smtp-url';
import { startReferenceServer } from '../server';
import { DEFAULT_PORT, parseCommandArgs, resolveDatabase, resolveDataDir } from './arguments';
import { UsageError, type CliIo } from './cli-io';

const READY_PREFIX = 'Keyway reference server ready: ';

/** The demo account `serve --seed-demo` makes, so the whole journey works on a fresh machine. */
const DEMO_USER = {
  loginId: 'ana',
  email: 'ana@example.com',
  displayName: 'Ana Example',
  password: 'keyway-demo-2026',
} as const;

/** Starts the server and keeps it running until io.signal aborts. */
export async function runServe(args: readonly string[], io: CliIo): Promise<void> {
  const options = parseCommandArgs('serve', args);
  const dataDir = resolveDataDir(options['data-dir'], io);
  const database = resolveDatabase(dataDir, options.database, io);
  const smtpUrl = options['smtp-url'];
  const smsWebhookUrl = options['sms-webhook-url'];
  const smsWebhookSecret = io.env.KEYWAY_SMS_WEBHOOK_SECRET;
  if (smsWebhookUrl !== undefined && (smsWebhookSecret === undefined || smsWebhookSecret === '')) {
    throw new UsageError(
      '--sms-webhook-url needs the secret that signs its requests in the environment variable KEYWAY_SMS_WEBHOOK_SECRET.',
    );
  }
  const updatesDir = resolveUpdatesDir(options['updates-dir']);
  const drainDelaySeconds = parseDrainDelay(io.env.KEYWAY_DRAIN_DELAY_SECONDS);
  const trustedProxies = parseTrustedProxies(io.env.KEYWAY_TRUSTED_PROXIES);
  const audit = auditOptions(options['audit-webhook'], options['audit-log-file'], io);
  const server = await startReferenceServer({
    dataDir,
    database: database.engine === 'postgres' ? database.url : undefined,
    // PostgreSQL is shared by every instance: only an explicit --migrate changes its schema.
    migrate: options.migrate === true,
    // The MFA master key every instance on one PostgreSQL database shares (server/mfa/secret-key.ts).
    secretKey: io.env.KEYWAY_SECRET_KEY,
    port: options.port ?? DEFAULT_PORT,
    host: options.host ?? '127.0.0.1',
    publicOrigin: options['public-origin'],
    ...(smtpUrl === undefined ? {} : { smtp: parseSmtpUrl(smtpUrl, options['smtp-insecure'] === true) }),
    ...(smsWebhookUrl === undefined || smsWebhookSecret === undefined
      ? {}
      : { sms: { webhookUrl: smsWebhookUrl, webhookSecret: smsWebhookSecret } }),
    otpTtlSeconds: options['otp-ttl-seconds'],
    ...(updatesDir === undefined ? {} : { updatesDir }),
    drainDelayMs: drainDelaySeconds * 1000,
    trustedProxies,
    audit,
    log: io.out,
  });
  try {
    io.out(`Data dir: ${dataDir}`);
    if (options['seed-demo'] === true) await seedDemo(server.admin, server.origin, io);
    // Its own line, printed last: scripts and tests wait for it.
    io.out(`${READY_PREFIX}${server.origin}`);
    await aborted(io.signal);
    io.out(
      `Stopping: ${drainDelaySeconds > 0 ? `/readyz fails for ${drainDelaySeconds} s, then ` : ''}` +
        'requests in flight finish (the same signal again stops at once).',
    );
  } finally {
    await server.close();
  }
}

/**
 * The audit sinks: the environment (KEYWAY_AUDIT_WEBHOOK_<CLASS>, KEYWAY_AUDIT_LOG_FILE), each overridden
 * by its flag (--audit-webhook CLASS=URL, --audit-log-file). The signing secret only ever comes from the
 * environment (KEYWAY_AUDIT_WEBHOOK_SECRET), like the SMS webhook's: a flag would show in `ps`.
 */
function auditOptions(
  webhookFlags: readonly string[] | undefined,
  logFile: string | undefined,
  io: CliIo,
): AuditSinkOptions {
  const fromEnv = auditSinkOptionsFromEnv(io.env);
  const webhooks: Record<string, string> = { ...fromEnv.webhooks };
  for (const flag of webhookFlags ?? []) {
    const at = flag.indexOf('=');
    const eventClass = flag.slice(0, at);
    if (!(AUDIT_CLASSES as readonly string[]).includes(eventClass)) {
      throw new UsageError(
        `--audit-webhook: "${eventClass}" is not an audit event class (${AUDIT_CLASSES.join(', ')}).`,
      );
    }
    webhooks[eventClass] = flag.slice(at + 1);
  }
  const file = logFile ?? fromEnv.logFile;
  return {
    webhooks,
    webhookSecret: fromEnv.webhookSecret,
    ...(file === undefined ? {} : { logFile: path.resolve(io.cwd, file) }),
  };
}

/** Seconds a draining server keeps serving with /readyz at 503 (docs/scale-out.md); 0 by default. */
const DrainDelaySeconds = z.coerce.number().int().min(0).max(300);

function parseDrainDelay(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return 0;
  const parsed = DrainDelaySeconds.safeParse(value.trim());
  if (!parsed.success) {
    throw new UsageError('KEYWAY_DRAIN_DELAY_SECONDS must be a whole number of seconds from 0 to 300.');
  }
  return parsed.data;
}

/** The update folder must exist when the server starts: a typo would otherwise serve an empty feed. */
function resolveUpdatesDir(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const dir = path.resolve(value);
  const stats = statSync(dir, { throwIfNoEntry: false });
  if (!stats?.isDirectory()) throw new UsageError(`--updates-dir ${dir} is not a folder.`);
  return dir;
}

async function seedDemo(admin: AdminService, origin: string, io: CliIo): Promise<void> {
  if (!(await admin.findUser(DEMO_USER.loginId))) await admin.createUser(DEMO_USER);
  // The demo shows every journey, "Forgot your password?" included (off by default elsewhere).
  await admin.setPasswordResetPolicy({ enabled: true });
  const deployment = await admin.sendDeployment(DEMO_USER.loginId);
  const { via, location } = admin.mailDestination;
  const mail = via === 'smtp' ? `sent via SMTP to ${location}` : `saved as .eml files in ${location}`;
  for (const line of [
    '',
    '== Keyway demo ==',
    `Server:              ${origin}`,
    `Demo user:           ${DEMO_USER.loginId} (${DEMO_USER.displayName} <${DEMO_USER.email}>)`,
    `Password:            ${DEMO_USER.password}`,
    `Deep link:           ${deployment.deepLink}`,
    `Authentication code: ${deployment.code}`,
    `Landing link:        ${deployment.landingUrl}`,
    `E-mails:             ${mail}`,
    `Account page:        ${origin}/account (self-deployment; sign in as ${DEMO_USER.loginId})`,
    '',
  ]) {
    io.out(line);
  }
}

function aborted(signal: AbortSignal | undefined): Promise<void> {
  // Without a signal there is nothing to stop the server but the process ending.
  if (!signal) return new Promise(() => undefined);
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
