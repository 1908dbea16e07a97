import type { License } from '../protocol/api';
import type { DeliveryOptions } from './audit/outbox';
import type { AuditSinkOptions } from './audit/sink-config';
import type { SmsOptions } from './mfa/sms/sms-provider';

/** How the server reaches an SMTP relay. Without one, mail is written to the outbox as .eml files. */
export interface SmtpOptions {
  host: string;
  port: number;
  /** TLS from the first byte (port 465). Otherwise STARTTLS, which the relay must offer (see insecure). */
  secure?: boolean | undefined;
  /**
   * Send even when the relay offers no STARTTLS (plain text on the network). Off unless the admin names
   * it (`--smtp-insecure`): opportunistic STARTTLS is stripped by anyone on the path, and the mail
   * carries deployment codes, reset links and sign-in codes.
   */
  insecure?: boolean | undefined;
  auth?: { user: string; pass: string } | undefined;
}

/** Throttles. Defaults are the production values; tests may lower them to stay fast. */
export interface Limits {
  /** Redemption attempts per source IP per minute. */
  redeemPerSourcePerMinute: number;
  /** Redemption attempts per deployment code within `redeemPerCodeWindowSeconds`. */
  redeemPerCode: number;
  redeemPerCodeWindowSeconds: number;
  /** Password sign-ins per source IP per minute. */
  signInPerSourcePerMinute: number;
  /** Refresh and revoke calls per source IP per minute. */
  sessionCallsPerSourcePerMinute: number;
  /** Home-realm discovery lookups per source IP per minute. */
  discoveryPerSourcePerMinute: number;
  /** MFA calls (send, enroll, verify, device nonces, profile) per source IP per minute. */
  mfaPerSourcePerMinute: number;
  /** Forgot-password requests and reset-page submits per source IP per minute. */
  passwordResetPerSourcePerMinute: number;
  /** OTP checks per front-end API key per minute (one VPN concentrator serves many users). */
  otpVerifyPerClientPerMinute: number;
  /** OTP checks per login ID per minute, whichever front end asks. */
  otpVerifyPerLoginPerMinute: number;
  /** Consecutive failed sign-ins before an account locks (NIST SP 800-63B allows at most 100). */
  maxConsecutiveFailures: number;
  lockoutSeconds: number;
}

export const DEFAULT_LIMITS: Limits = {
  redeemPerSourcePerMinute: 20,
  redeemPerCode: 5,
  redeemPerCodeWindowSeconds: 15 * 60,
  signInPerSourcePerMinute: 30,
  sessionCallsPerSourcePerMinute: 60,
  discoveryPerSourcePerMinute: 60,
  mfaPerSourcePerMinute: 60,
  passwordResetPerSourcePerMinute: 10,
  otpVerifyPerClientPerMinute: 600,
  otpVerifyPerLoginPerMinute: 10,
  maxConsecutiveFailures: 10,
  lockoutSeconds: 15 * 60,
};

export interface ReferenceServerOptions {
  /** Where keyway.sqlite and the mail outbox live; created on first start. */
  dataDir: string;
  /**
   * A postgres:// URL to keep the data in PostgreSQL instead of the data dir's SQLite file
   * (server/storage/database.ts). Without it, SQLite in the data dir.
   */
  database?: string | undefined;
  /**
   * Whether to apply pending migrations at start. SQLite in the data dir always does (it belongs to this
   * server). On PostgreSQL only `true` does; otherwise a database with pending migrations is refused.
   */
  migrate?: boolean | undefined;
  /**
   * The MFA master key on PostgreSQL (KEYWAY_SECRET_KEY: 32 bytes, base64), so instances with different
   * data dirs open each other's secrets; without it, one key kept in the database (server/mfa/secret-key.ts).
   * SQLite keeps its key file in the data dir and ignores this.
   */
  secretKey?: string | undefined;
  /**
   * On close(), how long /readyz answers 503 while requests are still served, before the server stops
   * accepting: a load balancer's health-check interval × its failure threshold. Default 0.
   */
  drainDelayMs?: number | undefined;
  /**
   * Addresses or CIDR ranges of the proxies in front of the server, whose X-Forwarded-For is believed
   * (server/http/trusted-proxies.ts; KEYWAY_TRUSTED_PROXIES). Default none: the TCP peer is the client.
   */
  trustedProxies?: readonly string[] | undefined;
  /** 0 (the default) picks a free port. */
  port?: number | undefined;
  host?: string | undefined;
  /** The origin written into deployment codes and links; defaults to the listening address. */
  publicOrigin?: string | undefined;
  serverName?: string | undefined;
  license?: License | undefined;
  smtp?: SmtpOptions | undefined;
  /** Where .eml files (and .sms.json files without an SMS webhook) go; defaults to <dataDir>/outbox. */
  outboxDir?: string | undefined;
  /** Send SMS codes to this webhook (server/mfa/README.md); without it they go to the outbox. */
  sms?: SmsOptions | undefined;
  deploymentTtlSeconds?: number | undefined;
  /** Milliseconds since the epoch; injectable so tests can move time forward. */
  clock?: (() => number) | undefined;
  /** Serve https directly with this PEM key and certificate. */
  tls?: { key: string; cert: string } | undefined;
  /** A folder of latest*.yml files and installers: the desktop app's update feed, served under /updates/. */
  updatesDir?: string | undefined;
  /** One line per request, mail and error. Silent by default. */
  log?: ((line: string) => void) | undefined;
  limits?: Partial<Limits> | undefined;
  /** The From address of outgoing mail; defaults to keyway@<public host>. */
  mailFrom?: string | undefined;
  /** How long a one-time password for other services works (default 90 seconds). */
  otpTtlSeconds?: number | undefined;
  /**
   * Where audit events stream to: a signed HTTPS webhook per event class and/or a JSON-lines file
   * (server/audit/sink-config.ts; docs/audit-webhook.md). None by default.
   */
  audit?: AuditSinkOptions | undefined;
  /**
   * The audit delivery worker's tuning (server/audit/outbox.ts); `intervalMs` is how often it polls
   * (default 2000). Tests lower the delays; production keeps the defaults.
   */
  auditDelivery?: (DeliveryOptions & { intervalMs?: number | undefined }) | undefined;
}

export const DEFAULT_SERVER_NAME = 'Keyway reference server';
export const DEFAULT_DEPLOYMENT_TTL_SECONDS = 7 * 24 * 60 * 60;
/** The same installation may redeem a used code again this long after, e.g. after a crash mid-setup. */
export const REDEEM_GRACE_MS = 10 * 60 * 1000;
export const ACCESS_TOKEN_TTL_SECONDS = 10 * 60;
export const REFRESH_TOKEN_TTL_MS = 30 * 24 * 60 * 60 * 1000;

export const DEFAULT_LICENSE: License = {
  version: '2026-01',
  text: [
    'Keyway end-user license agreement (reference server)',
    '',
    'This copy of Keyway is provided by your organization to sign you in to its services. By accepting,',
    'you agree to use Keyway only for work your organization permits, to keep your password and',
    'authentication codes to yourself, and to tell your IT department at once if you think someone else',
    'has used them.',
    '',
    'Keyway stores your sign-in tokens in this computer\u2019s keychain and sends your organization\u2019s',
    'server only what signing in requires. Your organization\u2019s privacy policy applies to that server.',
    '',
    'Keyway is provided "as is", without warranty of any kind. This text is the reference server\u2019s',
    'default; your organization replaces it with its own terms.',
  ].join('\n'),
};
