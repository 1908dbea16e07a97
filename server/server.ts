import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { parseServerOrigin } from '../protocol/server-origin';
import { KeywayError } from '../protocol/errors';
import { AdminService } from './admin/admin-service';
import { AuditDelivery } from './audit/outbox';
import { parseAuditSinks, sinkNames, sinksOf } from './audit/sink-config';
import {
  DEFAULT_DEPLOYMENT_TTL_SECONDS,
  DEFAULT_LICENSE,
  DEFAULT_LIMITS,
  DEFAULT_SERVER_NAME,
  type ReferenceServerOptions,
} from './config';
import { buildHttpApp } from './http/app';
import type { HealthState } from './http/health';
import type { ServerIdentity } from './identity';
import { createMailDelivery, defaultMailFrom, type MailDelivery } from './mail/mail-delivery';
import { createCodeDelivery } from './mfa/delivery';
import { createSmsProvider } from './mfa/sms/sms-provider';
import { smtpUrlWithoutCredentials } from './mail/smtp-url';
import { oidcIssuer } from './oidc/issuer';
import { openSecretBox } from './mfa/secret-key';
import { createOidc } from './oidc/oidc';
import { createServices } from './services';
import { databaseLocation, openStorage } from './storage/database';
import { writeSetting } from './storage/settings';

export interface RunningServer {
  /** The public origin, e.g. http://127.0.0.1:49152. */
  origin: string;
  /** The OpenID Provider's issuer for unified login: the origin plus /oidc. */
  issuer: string;
  admin: AdminService;
  /**
   * Drains, then stops: /readyz answers 503 at once, requests are still served for `drainDelayMs`, then
   * no new connection is accepted, requests in flight finish (cut after 30 s), and the database closes.
   * Calling it again while draining skips what is left of the delay.
   */
  close(): Promise<void>;
}

/** Listening addresses only this computer reaches: the only ones plain http may be served on. */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);
/**
 * Every interface at once. A client on this computer reaches them at 127.0.0.1, so they name a loopback
 * origin; but they are NOT loopback: plain http on them is plain http to the whole network.
 */
const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]']);

/** Why the server refuses to serve plain http on `host`, or undefined when it may. */
function plainHttpRefusal(host: string, tls: boolean, publicOrigin: string | undefined): string | undefined {
  if (tls || LOOPBACK_HOSTS.has(host.toLowerCase())) return undefined;
  // Behind a TLS-terminating proxy: clients only ever see https.
  if (publicOrigin?.startsWith('https://') === true) return undefined;
  return (
    `Refusing to serve plain http on ${host}: ${WILDCARD_HOSTS.has(host) ? 'that is every network interface, not only this computer. ' : ''}` +
    'Plain http is only served on a loopback address (127.0.0.1, ::1, localhost). ' +
    'Serve https (TLS) or put an https proxy in front and give its origin with --public-origin https://….'
  );
}

export async function startReferenceServer(options: ReferenceServerOptions): Promise<RunningServer> {
  const clock = options.clock ?? Date.now;
  const log = options.log ?? (() => undefined);
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const host = options.host ?? '127.0.0.1';
  // Checked before anything opens, so a bad option leaves nothing behind.
  const publicOrigin = options.publicOrigin === undefined ? undefined : parseServerOrigin(options.publicOrigin);
  const refusal = plainHttpRefusal(host, options.tls !== undefined, publicOrigin);
  if (refusal !== undefined) throw new KeywayError('server_insecure', refusal);

  const outboxDir = options.outboxDir ?? path.join(options.dataDir, 'outbox');
  const sms = createSmsProvider(options.sms, outboxDir, log);
  const auditSinks = parseAuditSinks(options.audit);

  // The library API reads no environment: the CLI turns KEYWAY_DATABASE_URL into options.database.
  const storage = await openStorage(databaseLocation(options.dataDir, options.database, {}), {
    migrations: options.migrate === false ? 'refuse' : 'apply',
  });
  // On PostgreSQL from KEYWAY_SECRET_KEY or the database, so every instance opens the others' secrets.
  const box = await openSecretBox(storage, { dataDir: options.dataDir, secretKey: options.secretKey, clock }).catch(
    async (error: unknown) => {
      await storage.close();
      throw error;
    },
  );
  const identity: ServerIdentity = {
    name: options.serverName ?? DEFAULT_SERVER_NAME,
    origin: '',
    license: options.license ?? DEFAULT_LICENSE,
  };
  // Made once the origin is known (the From address names it), before the first request is served.
  const mailHolder: { current?: MailDelivery } = {};
  const delivery = createCodeDelivery({ mail: () => mailHolder.current, sms, serverName: () => identity.name, log });
  const services = createServices(storage, identity, clock, limits, {
    dataDir: options.dataDir,
    box,
    delivery,
    mail: () => mailHolder.current,
    otpTtlSeconds: options.otpTtlSeconds,
    log,
    auditSinks: sinksOf(auditSinks),
  });
  const health: HealthState = { draining: false };
  // The admin console's AdminService is made below, once the origin (and so the mail) is known.
  const adminHolder: { current?: AdminService } = {};
  let app;
  try {
    const oidc = await createOidc(storage, identity, services.users, box, log);
    app = await buildHttpApp({
      ...services,
      health,
      oidc,
      identity,
      limits,
      log,
      tls: options.tls,
      trustedProxies: options.trustedProxies,
      updatesDir: options.updatesDir,
      admin: () => adminHolder.current,
      clock,
    });
    await app.listen({ port: options.port ?? 0, host });
    const { port } = app.server.address() as AddressInfo;
    identity.origin = publicOrigin ?? listeningOrigin(host, port, options.tls !== undefined);
    // Made now rather than on the first request, so a configuration problem stops the start.
    oidc.provider();
  } catch (error) {
    await app?.close();
    await storage.close();
    throw error;
  }

  // The admin CLI runs without the server and needs these to make codes and send mail like it.
  await storage.transaction(async () => {
    await writeSetting(storage, 'public_origin', identity.origin);
    await writeSetting(storage, 'server_name', identity.name);
    await writeSetting(storage, 'smtp_url', options.smtp && smtpUrlWithoutCredentials(options.smtp));
    // Which sinks events are owed to (names only: no URL, no secret), so the CLI's events are delivered too.
    await writeSetting(storage, 'audit_sinks', JSON.stringify(sinkNames(auditSinks)));
  });

  const serverMail = createMailDelivery({
    from: options.mailFrom ?? defaultMailFrom(identity.name, identity.origin),
    smtp: options.smtp,
    outboxDir,
    log,
  });
  mailHolder.current = serverMail;
  const admin = new AdminService({
    services,
    mail: serverMail,
    identity,
    deploymentTtlSeconds: options.deploymentTtlSeconds ?? DEFAULT_DEPLOYMENT_TTL_SECONDS,
  });
  adminHolder.current = admin;
  // Audit retention once an hour per instance (server/audit/audit-log.ts prune): a DELETE by the time
  // index, so instances pruning at once only find less to do. A failure is logged and retried next hour.
  const retention = setInterval(() => {
    services.audit.prune().catch((error: unknown) => {
      log(`error: audit: retention failed: ${error instanceof Error ? error.message : String(error)}`);
    });
  }, AUDIT_PRUNE_INTERVAL_MS);
  retention.unref();
  // The audit outbox's delivery worker (server/audit/outbox.ts); every instance runs one.
  const { intervalMs: auditIntervalMs, ...deliveryOptions } = options.auditDelivery ?? {};
  const auditDelivery = new AuditDelivery(storage, clock, auditSinks, { log, ...deliveryOptions });
  auditDelivery.start(auditIntervalMs);
  const drainDelayMs = options.drainDelayMs ?? 0;
  let closing: Promise<void> | undefined;
  let endDelay: (() => void) | undefined;
  const drain = async (): Promise<void> => {
    // Readiness fails first; the balancer stops sending here while requests are still served.
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, drainDelayMs);
      endDelay = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    // fastify's close() stops accepting, closes idle keep-alive connections and waits for requests in
    // flight (forceCloseConnections: 'idle', app.ts). A connection whose request finishes later goes idle
    // rather than closing (its reply began before "Connection: close" was set): end those as they appear,
    // and every connection once DRAIN_TIMEOUT_MS has passed, so a stalled client cannot hold the exit.
    const reaper = setInterval(() => app.server.closeIdleConnections(), IDLE_REAP_INTERVAL_MS);
    const deadline = setTimeout(() => app.server.closeAllConnections(), DRAIN_TIMEOUT_MS);
    try {
      await app.close();
    } finally {
      clearInterval(reaper);
      clearInterval(retention);
      // The round in flight finishes (its rows delivered or rescheduled) before the database closes.
      await auditDelivery.stop();
      clearTimeout(deadline);
      serverMail.close();
      await storage.close();
    }
  };
  return {
    origin: identity.origin,
    issuer: oidcIssuer(identity.origin),
    admin,
    close: () => {
      if (closing) {
        // Asked again while draining: skip what is left of the delay (requests in flight still finish).
        endDelay?.();
        return closing;
      }
      health.draining = true;
      return (closing = drain());
    },
  };
}

const AUDIT_PRUNE_INTERVAL_MS = 60 * 60 * 1000;

/** Requests in flight get this long to finish once shutdown has begun; then their connections are cut. */
const DRAIN_TIMEOUT_MS = 30_000;
const IDLE_REAP_INTERVAL_MS = 100;

/** The origin clients reach a server listening on `host` at, when no public origin is configured. */
function listeningOrigin(host: string, port: number, tls: boolean): string {
  if (LOOPBACK_HOSTS.has(host) || WILDCARD_HOSTS.has(host)) {
    const name = host === '::1' || host === '[::1]' ? '[::1]' : host === 'localhost' ? 'localhost' : '127.0.0.1';
    return `${tls ? 'https' : 'http'}://${name}:${port}`;
  }
  // Only reached with TLS (checked at start): the certificate names this host.
  return `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
}
