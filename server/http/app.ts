import rateLimit from '@fastify/rate-limit';
import fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import type { ServerFeatures } from '../../protocol/api';
import { KeywayError } from '../../protocol/errors';
import type { AccountSessionStore } from '../account/account-sessions';
import type { SelfDeployment } from '../account/self-deployment';
import type { Limits } from '../config';
import type { DeploymentService } from '../deployments/deployment-service';
import type { Federation } from '../federation/federation';
import type { SignInPolicy } from '../discovery/sign-in-policy';
import type { ServerIdentity } from '../identity';
import { registerInteractionRoutes } from '../oidc/interactions';
import { mountOidcProvider } from '../oidc/mount';
import type { Oidc } from '../oidc/oidc';
import type { OtpClientStore } from '../otp/otp-clients';
import type { OtpService } from '../otp/otp-service';
import type { PasswordResetService } from '../password-reset/password-reset-service';
import type { MfaServices } from '../services';
import type { UserStore } from '../users/user-store';
import type { SessionService } from '../sessions/session-service';
import type { Storage } from '../storage/storage';
import type { AdminService } from '../admin/admin-service';
import type { AuditLog } from '../audit/audit-log';
import type { AdminRoleStore } from '../admin-console/admin-roles';
import type { AdminSessionStore } from '../admin-console/admin-sessions';
import { registerAdminConsole } from '../admin-console/routes';
import { withAuditSource } from '../audit/context';
import { registerHealthRoutes, type HealthState } from './health';
import { problem, sendProblem } from './problem';
import { storageRateLimitStore } from './rate-limit-store';
import { KeywayStatusError } from './status-error';
import { registerAccountRoutes } from './routes/account';
import type { DeploymentProfiles } from '../deployment-profiles/deployment-profiles';
import type { DeploymentStore } from '../deployments/deployment-store';
import { registerDeploymentRoutes } from './routes/deployments';
import { registerDiscoveryRoutes } from './routes/discovery';
import { registerLandingRoutes } from './routes/landing';
import { registerMeConfigRoutes } from './routes/me-config';
import { registerMeMfaRoutes } from './routes/me-mfa';
import { registerMfaRoutes } from './routes/mfa';
import { registerOtpRoutes } from './routes/otp';
import { registerPasskeyRoutes } from './routes/passkeys';
import { registerPasswordResetRoutes } from './routes/password-reset';
import { registerSessionRoutes } from './routes/sessions';
import { registerUpdateRoutes } from './routes/updates';

export interface HttpAppDeps {
  /** Where the rate-limit counters live (rate-limit-store.ts), shared by every instance on it. */
  storage: Storage;
  /** Set while the instance drains: /readyz answers 503 and every connection closes after its reply. */
  health: HealthState;
  identity: ServerIdentity;
  deployments: DeploymentService;
  sessions: SessionService;
  signInPolicy: SignInPolicy;
  mfa: MfaServices;
  federation: Federation;
  users: UserStore;
  features: () => Promise<ServerFeatures>;
  /** Deployment status (the landing page marks a deployment opened) and the newest license for discovery. */
  deploymentStore?: DeploymentStore | undefined;
  profiles?: DeploymentProfiles | undefined;
  passwordReset: PasswordResetService;
  accountSessions: AccountSessionStore;
  selfDeployment: SelfDeployment;
  otp: OtpService;
  otpClients: OtpClientStore;
  oidc: Oidc;
  limits: Limits;
  log: (line: string) => void;
  tls?: { key: string; cert: string } | undefined;
  /**
   * The proxies in front of this server whose X-Forwarded-For is believed (trusted-proxies.ts). Empty or
   * absent: none; the TCP peer is the client, so a forged header cannot move a per-source rate limit.
   */
  trustedProxies?: readonly string[] | undefined;
  /** The desktop app's update feed, served under /updates/ when set (routes/updates.ts). */
  updatesDir?: string | undefined;
  /** Issue 18: the admin console at /admin (server/admin-console), over the CLI's AdminService. */
  adminRoles: AdminRoleStore;
  adminSessions: AdminSessionStore;
  audit: AuditLog;
  admin: () => AdminService | undefined;
  clock: () => number;
}

/** The health probes (health.ts), whose successes are not logged. */
const PROBE_PATHS = new Set(['/healthz', '/readyz']);

/** One year, the value HSTS preload lists and OWASP ask for. */
const HSTS_MAX_AGE_SECONDS = 365 * 24 * 60 * 60;

const BASE_OPTIONS = {
  logger: false,
  // Every request body of the API is a few hundred bytes.
  bodyLimit: 64 * 1024,
  // close() ends idle keep-alive connections at once and lets requests in flight finish (a graceful
  // drain); true would destroy those too. server.ts ends connections that go idle later, and forces
  // the rest after a deadline. https://fastify.dev/docs/latest/Reference/Server/#forcecloseconnections
  forceCloseConnections: 'idle',
} as const;

export async function buildHttpApp(deps: HttpAppDeps): Promise<FastifyInstance> {
  const trusted = deps.trustedProxies ?? [];
  const options = { ...BASE_OPTIONS, trustProxy: trusted.length > 0 ? [...trusted] : false };
  const app = deps.tls
    ? // The https instance differs only in its server type, which nothing here touches.
      (fastify({ ...options, https: { key: deps.tls.key, cert: deps.tls.cert } }) as unknown as FastifyInstance)
    : fastify(options);

  // The API speaks JSON only; anything else is refused with 415 rather than half-parsed.
  app.removeContentTypeParser('text/plain');

  // Limits are applied per route, from the handlers (see rate-limiter.ts). Their counters live in the
  // database, not in this process: a restart keeps them and every instance shares them.
  await app.register(rateLimit, { global: false, store: storageRateLimitStore(deps.storage) });

  // RFC 6797: once a browser has reached this server over https, it never again tries plain http to it
  // (no SSL-stripping of the account, reset and sign-in pages). Set on the raw response at the start, so
  // replies that bypass fastify's send (the OpenID Provider, hijacked interaction redirects) carry it
  // too. Only when clients reach the server over https: served directly, or behind an https proxy.
  // No includeSubDomains: the reference server does not speak for its sibling hosts.
  app.addHook('onRequest', (_request, reply, done) => {
    if (deps.tls !== undefined || deps.identity.origin.startsWith('https://')) {
      reply.raw.setHeader('strict-transport-security', `max-age=${HSTS_MAX_AGE_SECONDS}`);
    }
    // Draining: no keep-alive, so the client (or proxy) opens its next connection to another instance
    // and this one's sockets end with their last reply (Node closes a socket after "Connection: close").
    if (deps.health.draining) reply.raw.setHeader('connection', 'close');
    done();
  });

  // The audit source of every event a handler records (server/audit/context.ts): the client's address as
  // trustProxy decides it, and its user agent. Entered in the last hook before the handler: fastify calls
  // the handler from this hook's done(), so the AsyncLocalStorage context follows the handler's awaits
  // (the pattern @fastify/request-context uses).
  app.addHook('preHandler', (request, _reply, done) => {
    const userAgent = request.headers['user-agent'];
    withAuditSource({ sourceAddress: request.ip, userAgent }, done);
  });

  app.addHook('onSend', (_request, reply, payload, done) => {
    void reply.header('x-content-type-options', 'nosniff');
    void reply.header('referrer-policy', 'no-referrer');
    if (!reply.hasHeader('cache-control')) void reply.header('cache-control', 'no-store');
    if (!reply.hasHeader('content-security-policy')) {
      void reply.header('content-security-policy', "default-src 'none'; frame-ancestors 'none'");
    }
    done(null, payload);
  });

  // The path only: query strings carry authentication codes. originalUrl, since the OIDC mount
  // rewrites the raw URL it hands oidc-provider.
  app.addHook('onResponse', (request, reply, done) => {
    const path = request.originalUrl.split('?')[0] ?? '';
    // A balancer probes every few seconds on every instance: log a probe only when it fails.
    if (reply.statusCode !== 200 || !PROBE_PATHS.has(path)) {
      deps.log(`${request.method} ${path} ${reply.statusCode} ${Math.round(reply.elapsedTime)}ms`);
    }
    done();
  });

  app.setErrorHandler((error: FastifyError | Error, request, reply) => {
    if (error instanceof KeywayError) {
      const status = error instanceof KeywayStatusError ? error.status : undefined;
      return sendProblem(reply, problem(error.code, error.message, error.retryAfter, status));
    }
    const status = 'statusCode' in error && typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (status >= 400 && status < 500) {
      // Fastify's own refusals: malformed JSON, wrong content type, body too large.
      return sendProblem(reply, problem('invalid_input', requestProblem(error, status), undefined, status));
    }
    deps.log(`error: ${request.method} ${request.url.split('?')[0] ?? ''}: ${error.stack ?? error.message}`);
    return sendProblem(
      reply,
      problem('internal', 'The server could not handle this request. The details are in its log.'),
    );
  });

  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      reply,
      problem('not_found', `There is nothing at ${request.method} ${request.url.split('?')[0] ?? ''}.`),
    ),
  );

  registerHealthRoutes(app, { storage: deps.storage, state: deps.health, log: deps.log });
  registerDeploymentRoutes(app, deps.deployments, deps.limits);
  registerSessionRoutes(app, deps.sessions, deps.limits);
  registerMfaRoutes(app, deps.sessions, deps.mfa, deps.limits);
  registerMeMfaRoutes(app, deps.sessions, deps.mfa, deps.limits);
  registerPasskeyRoutes(app, deps.sessions, deps.mfa, deps.identity, deps.limits);
  const { deploymentStore, profiles } = deps;
  registerLandingRoutes(app, deps.identity, deploymentStore && ((hash) => deps.deployments.markOpened(hash)));
  registerDiscoveryRoutes(
    app,
    deps.signInPolicy,
    deps.identity,
    deps.limits,
    deps.features,
    profiles && (() => profiles.licenseFor(undefined)),
  );
  // Unified-login clients' pushed configuration (issue 18): the same license and profile settings as a session answer.
  registerMeConfigRoutes(app, {
    sessions: deps.sessions,
    users: deps.users,
    provider: deps.oidc.provider,
    configFor: async (user) => ({
      license: profiles ? await profiles.licenseFor(user) : deps.identity.license,
      config: profiles ? await profiles.clientConfigFor(user) : null,
    }),
  });
  await registerPasswordResetRoutes(app, deps.passwordReset, deps.identity, deps.limits);
  await registerAccountRoutes(app, deps);
  registerOtpRoutes(app, deps.sessions, deps.otp, deps.otpClients, deps.limits);
  if (deps.updatesDir !== undefined) registerUpdateRoutes(app, deps.updatesDir);
  await registerAdminConsole(app, deps);
  await mountOidcProvider(app, deps.oidc.provider, () => deps.identity.origin);
  await registerInteractionRoutes(app, {
    provider: deps.oidc.provider,
    sessions: deps.sessions,
    users: deps.users,
    mfa: deps.mfa,
    csrf: deps.oidc.csrf,
    serverName: () => deps.identity.name,
    limits: deps.limits,
    federation: deps.federation,
    publicOrigin: () => deps.identity.origin,
    log: deps.log,
  });
  return app;
}

function requestProblem(error: FastifyError | Error, status: number): string {
  const code = 'code' in error ? error.code : undefined;
  if (status === 413) return 'The request body is too large.';
  if (status === 415) return 'Send the request body as JSON (Content-Type: application/json).';
  if (code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return 'The request body is empty; send a JSON object.';
  if (error instanceof SyntaxError || code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return 'The request body is not valid JSON.';
  }
  return error.message;
}
