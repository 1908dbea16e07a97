import { z } from 'zod';
import { KeywayError } from '../../protocol/errors';
import { AUDIT_CLASSES, type AuditClass } from './events';

/**
 * Where audit events stream to (README "Audit log"; docs/audit-webhook.md). One environment variable per
 * event class (KEYWAY_AUDIT_WEBHOOK_SIGN_IN, …) rather than one JSON setting: each line of a systemd unit,
 * a compose file or a Kubernetes manifest stays a plain URL (no JSON quoting inside YAML), a class without
 * a variable simply gets no webhook, and a typo'd class name is caught (unknown KEYWAY_AUDIT_WEBHOOK_*).
 */
export interface AuditSinkOptions {
  /** The HTTPS endpoint each event class is POSTed to; a class not named gets no webhook. */
  webhooks?: Partial<Record<AuditClass, string>> | undefined;
  /** The HMAC-SHA256 key of X-Keyway-Signature (KEYWAY_AUDIT_WEBHOOK_SECRET), at least 16 characters. */
  webhookSecret?: string | undefined;
  /** A JSON-lines file every event is appended to (KEYWAY_AUDIT_LOG_FILE), for SIEM agents. */
  logFile?: string | undefined;
}

/** The checked form the worker uses. */
export interface AuditSinks {
  webhooks: ReadonlyMap<AuditClass, URL>;
  webhookSecret: string;
  logFile?: string | undefined;
}

export const FILE_SINK = 'file';
export const webhookSink = (eventClass: AuditClass): string => `webhook:${eventClass}`;

const ENV_PREFIX = 'KEYWAY_AUDIT_WEBHOOK_';
const SECRET_ENV = 'KEYWAY_AUDIT_WEBHOOK_SECRET';
/** Plain http only to this computer, as the SMS webhook decides (server/mfa/sms/webhook-sms.ts). */
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

function envNameOf(eventClass: AuditClass): string {
  return `${ENV_PREFIX}${eventClass.toUpperCase().replace(/-/g, '_')}`;
}

/** The audit sink options in an environment (serve reads process.env; tests pass their own). */
export function auditSinkOptionsFromEnv(env: Readonly<Record<string, string | undefined>>): AuditSinkOptions {
  const webhooks: Partial<Record<AuditClass, string>> = {};
  const known = new Set<string>([SECRET_ENV, ...AUDIT_CLASSES.map(envNameOf)]);
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith(ENV_PREFIX) || value === undefined || value.trim() === '') continue;
    if (!known.has(name)) {
      throw new KeywayError(
        'invalid_input',
        `${name} names no audit event class; use one of ${AUDIT_CLASSES.map(envNameOf).join(', ')}.`,
      );
    }
  }
  for (const eventClass of AUDIT_CLASSES) {
    const value = env[envNameOf(eventClass)]?.trim();
    if (value !== undefined && value !== '') webhooks[eventClass] = value;
  }
  const logFile = env.KEYWAY_AUDIT_LOG_FILE?.trim();
  return {
    webhooks,
    webhookSecret: env[SECRET_ENV],
    ...(logFile === undefined || logFile === '' ? {} : { logFile }),
  };
}

const Secret = z.string().min(16, 'needs at least 16 characters');

/** Checks the options; throws a KeywayError naming the setting at fault. */
export function parseAuditSinks(options: AuditSinkOptions | undefined): AuditSinks {
  const webhooks = new Map<AuditClass, URL>();
  for (const eventClass of AUDIT_CLASSES) {
    const text = options?.webhooks?.[eventClass];
    if (text !== undefined) webhooks.set(eventClass, parseAuditWebhookUrl(text, envNameOf(eventClass)));
  }
  for (const name of Object.keys(options?.webhooks ?? {})) {
    if (!(AUDIT_CLASSES as readonly string[]).includes(name)) {
      throw new KeywayError('invalid_input', `"${name}" is not an audit event class (${AUDIT_CLASSES.join(', ')}).`);
    }
  }
  let webhookSecret = '';
  if (webhooks.size > 0) {
    const secret = Secret.safeParse(options?.webhookSecret ?? '');
    if (!secret.success) {
      throw new KeywayError(
        'invalid_input',
        `The audit webhooks need a secret of at least 16 characters in ${SECRET_ENV} to sign their requests.`,
      );
    }
    webhookSecret = secret.data;
  }
  const logFile = options?.logFile;
  return { webhooks, webhookSecret, ...(logFile === undefined ? {} : { logFile }) };
}

/** The outbox sinks of an event class under these sinks ('webhook:<class>', 'file'). */
export function sinksOf(sinks: AuditSinks): (eventClass: AuditClass) => readonly string[] {
  return (eventClass) => [
    ...(sinks.webhooks.has(eventClass) ? [webhookSink(eventClass)] : []),
    ...(sinks.logFile === undefined ? [] : [FILE_SINK]),
  ];
}

/** Every sink name these sinks deliver (stored for the admin CLI, which records events without a server). */
export function sinkNames(sinks: AuditSinks): string[] {
  return [...[...sinks.webhooks.keys()].map(webhookSink), ...(sinks.logFile === undefined ? [] : [FILE_SINK])];
}

/** https, or plain http to this computer: the same rule as the SMS webhook. No credentials in the URL. */
function parseAuditWebhookUrl(text: string, setting: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new KeywayError('invalid_input', `${setting}: "${text}" is not a URL; expected https://siem.example/keyway.`);
  }
  if (url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    if (url.username !== '' || url.password !== '') {
      throw new KeywayError('invalid_input', `${setting}: the URL must not carry a user name or password.`);
    }
    return url;
  }
  throw new KeywayError(
    'invalid_input',
    `${setting}: the URL must be https (plain http only to 127.0.0.1 or localhost).`,
  );
}

/**
 * The sinks function of the names `serve` stored (the 'audit_sinks' setting), for the admin CLI, which
 * records events without knowing the URLs. Anything unreadable counts as no sink.
 */
export function storedSinks(stored: string | undefined): (eventClass: AuditClass) => readonly string[] {
  let names: string[] = [];
  try {
    const parsed = z.array(z.string()).safeParse(JSON.parse(stored ?? '[]'));
    names = parsed.success ? parsed.data : [];
  } catch {
    // Not JSON: no sink, as before any serve recorded one.
  }
  return (eventClass) => names.filter((name) => name === FILE_SINK || name === webhookSink(eventClass));
}
