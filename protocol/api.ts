import { z } from 'zod';
import { ClientConfig, ClientVersion } from './client-config';
import { WireErrorCode } from './errors';

/**
 * The HTTP API of a Keyway server, under /api/v1. The reference server validates every request and
 * response against these schemas; the client parses every response with them before use.
 */
export const API_PREFIX = '/api/v1';

/** Login IDs are short names, e-mail addresses or UPNs (ana@corp.onmicrosoft.com). */
export const LoginId = z
  .string()
  .trim()
  .min(1)
  .max(254)
  .regex(/^[^\s\p{C}]+$/u, 'A login ID has no spaces or control characters.');

/** NIST SP 800-63B: at least 8 characters, at most 64 required to be accepted; any characters. */
export const Password = z.string().min(1).max(256);

/** Chosen by the client on first start; lets the server make redemption idempotent per installation. */
export const InstallationId = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/);

export const SignInMethod = z.discriminatedUnion('method', [
  z.strictObject({ method: z.literal('password') }),
  z.strictObject({
    method: z.literal('oidc'),
    issuer: z.url(),
    clientId: z.string().min(1),
    /**
     * Only in a deployment redemption's answer, for this server's own provider: a single-purpose secret
     * the installation sends as the authorization request's `keyway_enrolment` parameter, so that its
     * first sign-in may enrol a first authenticator (server/mfa/enrolment.ts). Never stored by Keyway.
     */
    enrolmentTicket: z
      .string()
      .regex(/^[A-Za-z0-9_-]{43}$/)
      .optional(),
  }),
]);
export type SignInMethod = z.infer<typeof SignInMethod>;

export const License = z.strictObject({
  version: z.string().min(1).max(64),
  text: z.string().min(1).max(200_000),
});
export type License = z.infer<typeof License>;

export const UserSummary = z.strictObject({
  loginId: LoginId,
  displayName: z.string().min(1).max(200),
  email: z.email().max(254),
});
export type UserSummary = z.infer<typeof UserSummary>;

export const ServerFeatures = z.strictObject({
  forgotPassword: z.boolean(),
  manualLogin: z.boolean(),
});
export type ServerFeatures = z.infer<typeof ServerFeatures>;

// POST /api/v1/deployments/redeem
export const RedeemRequest = z.strictObject({
  /** The code's display text or compact form; the server normalizes it. */
  code: z.string().min(1).max(512),
  installationId: InstallationId,
  /** The redeeming client's version, shown in the deployment's status (optional: older clients omit it). */
  clientVersion: ClientVersion.optional(),
});
export type RedeemRequest = z.infer<typeof RedeemRequest>;

/** The user's configuration, as a deployment hands it to a new installation. */
export const DeploymentConfig = z.strictObject({
  server: z.strictObject({ name: z.string().min(1).max(200), origin: z.url() }),
  user: UserSummary,
  signIn: SignInMethod,
  license: License,
  features: ServerFeatures,
});
export type DeploymentConfig = z.infer<typeof DeploymentConfig>;

// POST /api/v1/sessions/refresh
export const RefreshRequest = z.strictObject({ refreshToken: z.string().min(16).max(512) });
export type RefreshRequest = z.infer<typeof RefreshRequest>;

// POST /api/v1/sessions/revoke → 204
export const RevokeRequest = z.strictObject({
  refreshToken: RefreshRequest.shape.refreshToken,
  /**
   * "Forget this server": when the token is a live one (proof of a current session), also sign its user
   * out everywhere (every session, provider grant, /account session and live one-time password).
   * Optional so that older clients, which send only the token, stay valid.
   */
  everywhere: z.literal(true).optional(),
  /**
   * `oidc`: the token is a refresh token of this server's own OpenID Provider (a unified-login profile),
   * not an API one. Only meaningful with `everywhere`; the provider token itself is revoked at the
   * provider's revocation endpoint, as before.
   */
  kind: z.literal('oidc').optional(),
});
export type RevokeRequest = z.infer<typeof RevokeRequest>;

/** A signed-in session. The refresh token rotates on every use; a replayed one revokes the family. */
export const SessionTokens = z.strictObject({
  accessToken: z.string().min(16).max(4096),
  /** Seconds until the access token expires. */
  accessTokenExpiresIn: z.number().int().positive(),
  refreshToken: z.string().min(16).max(512),
  user: UserSummary,
  /** The current license; a version the user has not accepted is shown again before Home. */
  license: License,
  /**
   * The settings the user's deployment profile pushes (protocol/client-config.ts); null when no profile
   * applies to the user. Absent from servers that predate profiles: the client then keeps what it had.
   */
  config: ClientConfig.nullable().optional(),
});
export type SessionTokens = z.infer<typeof SessionTokens>;

// GET /api/v1/me (Authorization: Bearer <accessToken>)
export const Me = z.strictObject({
  user: UserSummary,
  server: z.strictObject({ name: z.string(), origin: z.url() }),
});
export type Me = z.infer<typeof Me>;

/** RFC 9457 problem details, with Keyway's stable `code`. */
export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int().min(400).max(599),
  code: WireErrorCode,
  detail: z.string(),
  /** Seconds, also sent as the Retry-After header. */
  retryAfter: z.number().int().nonnegative().optional(),
});
export type Problem = z.infer<typeof Problem>;
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

// POST /api/v1/discovery (home-realm discovery)
export const DiscoveryRequest = z.strictObject({ loginId: LoginId });
export type DiscoveryRequest = z.infer<typeof DiscoveryRequest>;

/**
 * How this login ID signs in on this server. The answer has the same shape (and takes the same time)
 * whether or not the account exists, so discovery never reveals who has an account.
 */
export const DiscoveryResponse = z.strictObject({
  server: z.strictObject({ name: z.string().min(1).max(200), origin: z.url() }),
  signIn: SignInMethod,
  features: ServerFeatures,
  license: License,
});
export type DiscoveryResponse = z.infer<typeof DiscoveryResponse>;

/** The reference server's first-party OIDC client for Keyway (public client, PKCE S256). */
/**
 * The authorization request parameter that carries a deployment redemption's enrolment ticket (see
 * SignInMethod's `enrolmentTicket`) to this server's own OpenID Provider.
 */
export const KEYWAY_ENROLMENT_PARAM = 'keyway_enrolment';
export const KEYWAY_OIDC_CLIENT_ID = 'keyway-desktop';
/** RFC 8252 §7.1 private-use scheme redirect, registered beside `keyway://`. */
export const KEYWAY_OIDC_CUSTOM_REDIRECT = 'dev.keyway.app:/oauth/callback';
/** RFC 8252 §7.3 loopback redirect; the port is chosen per sign-in and must be accepted on any port. */
export const KEYWAY_OIDC_LOOPBACK_PATH = '/callback';
