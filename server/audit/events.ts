import { MfaChannel } from '../../protocol/mfa';
import { z } from 'zod';

/**
 * The audit event catalogue: the single source of every event type the server records, its class (which
 * webhook it streams to), who may be its actor, its reason codes and the exact shape of its `details`.
 * docs/audit-events.md is generated from it (test/unit/audit-events-doc.test.ts fails when it is stale).
 *
 * Secrets stay out by construction: every `details` schema is a strict object of enums, numbers,
 * booleans and tightly patterned identifiers (never a free-form string from a request body), and
 * AuditLog.record parses each event with it before anything is written. Adding an event is one entry here
 * and one `audit.record(...)` call where the fact becomes true.
 */

/** Where an event streams to: one webhook per class (KEYWAY_AUDIT_WEBHOOK_<CLASS>). */
export const AUDIT_CLASSES = ['sign-in', 'second-factor', 'deployment', 'account', 'admin', 'system'] as const;
export type AuditClass = (typeof AUDIT_CLASSES)[number];

/**
 * Who did it: a signed-in user, an admin (the CLI as "cli:<os user>", the console as "console:<login ID>"),
 * the server itself (retention, lock-outs), or someone not signed in (a failed sign-in, a landing page).
 */
export type ActorKind = 'user' | 'admin' | 'system' | 'anonymous';

/** An admin's name as recorded: "cli:<os user>" or "console:<login ID>"; nothing else fits. */
export const AdminName = z.string().regex(/^(cli|console):[A-Za-z0-9._@+-]{1,64}$/, 'not an admin name');

/** An identifier the server made or an admin chose within a pattern: never free text. */
const Id = z.string().regex(/^[A-Za-z0-9._:@-]{1,80}$/, 'not an identifier');
const Count = z.number().int().min(0).max(1_000_000_000);
const Time = z.number().int().min(0);

/** Where a first factor was proved: the password API, the provider's pages (and /account), SSO, a passkey, the admin console. */
const SignInMethod = z.enum(['password', 'oidc-provider', 'sso', 'passkey', 'admin-console']);
const SecondFactorChannel = z.enum(['totp', 'email', 'sms', 'device', 'recovery-code', 'passkey']);
const FactorKind = z.enum(['totp', 'device', 'passkey', 'recovery-codes']);
/** A deployment profile's name: the pattern deployment-profiles.ts accepts (letters, digits, " ._-"). */
const ProfileName = z.string().regex(/^[\p{L}\p{N}][\p{L}\p{N} ._-]{0,99}$/u, 'not a profile name');
/** The names of a profile's settings (profile-settings.ts ProfileChange); never their values. */
const ProfileSettingName = z.enum([
  'signInMethod',
  'mfaMode',
  'mfaChannels',
  'licenseVersion',
  'forgotPassword',
  'manualLogin',
  'language',
  'updateChannel',
]);
const ProfileSettingNames = z.array(ProfileSettingName).max(ProfileSettingName.options.length);
const Domain = z.string().regex(/^[a-z0-9.-]{1,253}$/);
/** An identity provider's display name, recorded only when it is this plain (admin-service.ts omits others). */
export const ProviderName = z.string().regex(/^[\p{L}\p{N}][\p{L}\p{N} ._()&-]{0,99}$/u, 'not a plain provider name');
/**
 * An upstream issuer or IdP entity ID, recorded only when it is this plain: no query, fragment or spaces,
 * where a careless admin might paste a token (admin-service.ts omits others).
 */
export const ProviderLocation = z.string().regex(/^[A-Za-z0-9._~:/@%+-]{1,500}$/, 'not a plain issuer');

interface EventDefinition<D extends z.ZodType, R extends string> {
  readonly class: AuditClass;
  /** One sentence for docs/audit-events.md. */
  readonly summary: string;
  readonly actors: readonly ActorKind[];
  /** The reason codes this event may carry (empty: none). */
  readonly reasons: readonly R[];
  readonly details: D;
}

function event<D extends z.ZodType, R extends string = never>(
  definition: Omit<EventDefinition<D, R>, 'reasons'> & { reasons?: readonly R[] },
): EventDefinition<D, R> {
  return { ...definition, reasons: definition.reasons ?? [] };
}

export const AUDIT_EVENTS = {
  'sign-in.succeeded': event({
    class: 'sign-in',
    summary: 'A user proved their first factor: a password (API or provider page) or an upstream SSO sign-in.',
    actors: ['user'],
    details: z.strictObject({ method: SignInMethod, provider: Id.optional() }),
  }),
  'sign-in.failed': event({
    class: 'sign-in',
    summary:
      'A sign-in was refused. The subject user is set only when the name matched an account; the name typed is never recorded (people type passwords into it).',
    actors: ['anonymous'],
    reasons: ['invalid_credentials', 'account_locked', 'account_locked_by_admin'],
    details: z.strictObject({ method: SignInMethod }),
  }),
  'sign-in.locked-out': event({
    class: 'sign-in',
    summary: 'Consecutive wrong passwords locked an account (or an unknown name) for a while.',
    actors: ['system'],
    details: z.strictObject({ method: SignInMethod, seconds: Count }),
  }),
  'second-factor.succeeded': event({
    class: 'second-factor',
    summary: 'A user passed the second step of a sign-in.',
    actors: ['user'],
    details: z.strictObject({ channel: SecondFactorChannel }),
  }),
  'second-factor.failed': event({
    class: 'second-factor',
    summary: 'A second-factor code or proof was refused.',
    actors: ['user'],
    // The wire error code the user got (protocol/errors.ts).
    reasons: [
      'mfa_code_invalid',
      'mfa_code_expired',
      'mfa_code_used',
      'mfa_challenge_expired',
      'mfa_too_many_attempts',
      'mfa_channel_not_allowed',
      'account_locked',
    ],
    details: z.strictObject({ channel: SecondFactorChannel }),
  }),
  'second-factor.locked-out': event({
    class: 'second-factor',
    summary:
      'Wrong second-factor codes locked the account’s second step: for `minutes`, or (absent) until an admin resets it.',
    actors: ['system'],
    details: z.strictObject({ minutes: Count.optional() }),
  }),
  'deployment.created': event({
    class: 'deployment',
    summary: 'A deployment code was made for a user (by an admin, or by the user on the account page).',
    actors: ['admin', 'user'],
    details: z.strictObject({ deployment: Count, expiresAt: Time }),
  }),
  'deployment.redeemed': event({
    class: 'deployment',
    summary: 'An installation redeemed a deployment code (the installation id is set).',
    actors: ['anonymous'],
    details: z.strictObject({ deployment: Count }),
  }),
  'factor.added': event({
    class: 'account',
    summary: 'A second factor (authenticator app, remembered device, passkey, recovery codes) was added.',
    actors: ['user', 'admin'],
    details: z.strictObject({ kind: FactorKind }),
  }),
  'factor.removed': event({
    class: 'account',
    summary: 'A second factor was removed (by the user, or all of them by an admin’s reset).',
    actors: ['user', 'admin'],
    details: z.strictObject({ kind: FactorKind, count: Count }),
  }),
  'password.reset': event({
    class: 'account',
    summary: 'A password was set by an admin, or by the user through a forgot-password link.',
    actors: ['admin', 'user'],
    details: z.strictObject({ via: z.enum(['admin', 'reset-link']), sessionsRevoked: Count }),
  }),
  'password-reset.refused': event({
    class: 'account',
    summary:
      'A forgot-password request or reset link of a user an admin locked (the subject) was refused: the request got the answer an unknown login gets and no e-mail (`step` request), or the link its locked page (`step` link).',
    actors: ['anonymous'],
    reasons: ['account_locked_by_admin'],
    details: z.strictObject({ step: z.enum(['request', 'link']) }),
  }),
  'sessions.revoked': event({
    class: 'account',
    summary: 'Every session of a user was ended (sign-out everywhere, or an admin).',
    actors: ['user', 'admin'],
    details: z.strictObject({ sessions: Count }),
  }),
  'user.locked': event({
    class: 'account',
    summary:
      'An admin locked a user (the subject) until unlocked: every sign-in path refuses them and all their sessions ended. Whether the admin gave a reason is recorded, never the reason itself.',
    actors: ['admin'],
    details: z.strictObject({ sessionsRevoked: Count, reason: z.boolean() }),
  }),
  'user.unlocked': event({
    class: 'account',
    summary: 'An admin unlocked a user (the subject) that an admin had locked.',
    actors: ['admin'],
    details: z.strictObject({}),
  }),
  'admin.user-created': event({
    class: 'admin',
    summary: 'An admin created a user.',
    actors: ['admin'],
    details: z.strictObject({ aliases: Count, phone: z.boolean(), welcomeEmail: z.boolean() }),
  }),
  'admin.sign-in-method-set': event({
    class: 'admin',
    summary: 'An admin switched a user to unified login or back to a password.',
    actors: ['admin'],
    details: z.strictObject({ method: z.enum(['password', 'oidc']), changed: z.boolean() }),
  }),
  'admin.domain-sign-in-method-set': event({
    class: 'admin',
    summary: 'An admin switched an e-mail domain to unified login or back to passwords.',
    actors: ['admin'],
    details: z.strictObject({
      domain: z.string().regex(/^[a-z0-9.-]{1,253}$/),
      method: z.enum(['password', 'oidc']),
      changed: z.boolean(),
    }),
  }),
  'admin.mfa-policy-set': event({
    class: 'admin',
    summary: 'An admin changed the MFA policy (the values now in force).',
    actors: ['admin'],
    details: z.strictObject({
      channels: z.array(MfaChannel).max(4),
      mode: z.enum(['optional', 'enforced']),
      trustDays: Count,
    }),
  }),
  'admin.mfa-reset': event({
    class: 'admin',
    summary: 'An admin removed a user’s authenticators, recovery codes and remembered devices and cleared their lock.',
    actors: ['admin'],
    details: z.strictObject({ authenticators: Count, devices: Count, recoveryCodes: Count }),
  }),
  'admin.phone-set': event({
    class: 'admin',
    summary: 'An admin set or removed the phone number SMS codes go to (the number is not recorded).',
    actors: ['admin'],
    details: z.strictObject({ phone: z.boolean() }),
  }),
  'admin.password-reset-policy-set': event({
    class: 'admin',
    summary: 'An admin changed the forgot-password switch or link lifetime (the values now in force).',
    actors: ['admin'],
    details: z.strictObject({ enabled: z.boolean(), linkTtlMinutes: Count }),
  }),
  'admin.otp-client-created': event({
    class: 'admin',
    summary: 'An admin created a front end that verifies one-time passwords (its API key is not recorded).',
    actors: ['admin'],
    details: z.strictObject({ client: Id }),
  }),
  'admin.otp-client-revoked': event({
    class: 'admin',
    summary: 'An admin revoked a one-time-password front end’s key.',
    actors: ['admin'],
    details: z.strictObject({ client: Id }),
  }),
  'admin.idp-added': event({
    class: 'admin',
    summary:
      'An admin added (or, with replace, changed) an identity provider: its id, kind, issuer or IdP entity ID and routed domains; never its client secret or certificates.',
    actors: ['admin'],
    details: z.strictObject({
      provider: Id,
      kind: z.enum(['saml', 'oidc']),
      name: ProviderName.optional(),
      issuer: ProviderLocation.optional(),
      domains: z.array(Domain).max(100),
      created: z.boolean(),
    }),
  }),
  'admin.idp-removed': event({
    class: 'admin',
    summary: 'An admin removed an identity provider, with its routed domains and its users’ links.',
    actors: ['admin'],
    details: z.strictObject({
      provider: Id,
      kind: z.enum(['saml', 'oidc']),
      issuer: ProviderLocation.optional(),
      domains: z.array(Domain).max(100),
    }),
  }),
  'recovery-code.used': event({
    class: 'second-factor',
    summary: 'A user passed the second step of a sign-in with a recovery code (how many unused codes remain).',
    actors: ['user'],
    details: z.strictObject({ remaining: Count }),
  }),
  'recovery-codes.regenerated': event({
    class: 'account',
    summary: 'A user replaced their recovery codes with a new set (the old set stopped working; no code is recorded).',
    actors: ['user'],
    details: z.strictObject({ codes: Count }),
  }),
  'deployment.opened': event({
    class: 'deployment',
    summary:
      'The landing page was first loaded with a deployment’s code (only when the code matched a deployment; the page looks the same either way).',
    actors: ['anonymous'],
    details: z.strictObject({ deployment: Count }),
  }),
  'deployment.resent': event({
    class: 'deployment',
    summary:
      'An admin sent a deployment’s user a fresh code (`replacement`, also recorded as deployment.created) and revoked the old one if it was open.',
    actors: ['admin'],
    details: z.strictObject({ deployment: Count, replacement: Count, revokedPrevious: z.boolean() }),
  }),
  'deployment.revoked': event({
    class: 'deployment',
    summary: 'An admin ended a deployment that was not redeemed yet.',
    actors: ['admin'],
    details: z.strictObject({ deployment: Count }),
  }),
  'admin.license-published': event({
    class: 'admin',
    summary:
      'An admin published a license version (the version when it is a plain identifier, and the text’s length; never the text).',
    actors: ['admin'],
    details: z.strictObject({ version: Id.optional(), characters: Count }),
  }),
  'admin.profile-created': event({
    class: 'admin',
    summary: 'An admin created a deployment profile (the names of the settings it holds, not their values).',
    actors: ['admin'],
    details: z.strictObject({ profile: ProfileName, settings: ProfileSettingNames }),
  }),
  'admin.profile-edited': event({
    class: 'admin',
    summary: 'An admin changed a deployment profile’s draft (the names of the settings changed, not their values).',
    actors: ['admin'],
    details: z.strictObject({ profile: ProfileName, settings: ProfileSettingNames }),
  }),
  'admin.profile-assigned': event({
    class: 'admin',
    summary: 'An admin assigned a deployment profile to a user (the subject) or to an e-mail domain.',
    actors: ['admin'],
    details: z.strictObject({ profile: ProfileName, domain: Domain.optional() }),
  }),
  'admin.profile-unassigned': event({
    class: 'admin',
    summary: 'An admin removed a user’s (the subject’s) or a domain’s profile assignment.',
    actors: ['admin'],
    details: z.strictObject({ domain: Domain.optional(), changed: z.boolean() }),
  }),
  'admin.profile-pushed': event({
    class: 'admin',
    summary:
      'An admin pushed a profile to deployed clients: its new version, the names of the settings that changed since the last push, and its reach (users, installations).',
    actors: ['admin'],
    details: z.strictObject({
      profile: ProfileName,
      version: Count,
      settings: ProfileSettingNames,
      users: Count,
      clients: Count,
    }),
  }),
  'admin.role-granted': event({
    class: 'admin',
    summary: 'An admin let a user (the subject) sign in to the admin console.',
    actors: ['admin'],
    details: z.strictObject({ changed: z.boolean() }),
  }),
  'admin.role-revoked': event({
    class: 'admin',
    summary: 'An admin took the admin role from a user (the subject) and ended their console sessions.',
    actors: ['admin'],
    details: z.strictObject({ changed: z.boolean() }),
  }),
  'admin.console-signed-in': event({
    class: 'admin',
    summary:
      'An admin signed in to the admin console with password, then an authenticator code or a passkey (`factor`; the password step is also a sign-in.succeeded).',
    actors: ['admin'],
    details: z.strictObject({ factor: z.enum(['totp', 'passkey']) }),
  }),
  'admin.console-sign-in-failed': event({
    class: 'admin',
    summary:
      'An admin console sign-in was refused after a right password: not an admin (at either step), no second factor, a wrong, reused or locked code, a refused passkey, or an admin’s lock since the password (a wrong password is a sign-in.failed).',
    actors: ['anonymous'],
    reasons: [
      'not_admin',
      'no_authenticator',
      'mfa_code_invalid',
      'mfa_code_used',
      'account_locked',
      'passkey_refused',
      'passkey_challenge_used',
      'passkey_cloned',
      'account_locked_by_admin',
    ],
    details: z.strictObject({}),
  }),
  'admin.audit-dead-letters-retried': event({
    class: 'admin',
    summary:
      'An admin queued dead audit deliveries again: one event’s (`event`) or all of them; `deliveries` is how many.',
    actors: ['admin'],
    details: z.strictObject({ event: Count.optional(), deliveries: Count }),
  }),
  'audit.pruned': event({
    class: 'system',
    summary: 'Retention removed the audit events older than the retention period.',
    actors: ['system', 'admin'],
    details: z.strictObject({ events: Count, before: Time }),
  }),
} as const;

export type AuditEventType = keyof typeof AUDIT_EVENTS;
export const AUDIT_EVENT_TYPES = Object.keys(AUDIT_EVENTS) as AuditEventType[];

type Definition<T extends AuditEventType> = (typeof AUDIT_EVENTS)[T];
type AuditDetails<T extends AuditEventType> = z.input<Definition<T>['details']>;
type AuditReason<T extends AuditEventType> = Definition<T>['reasons'][number];

export type AuditActor =
  { kind: 'user'; userId: number } | { kind: 'admin'; name: string } | { kind: 'system' } | { kind: 'anonymous' };

/** Where the request came from, when there was one (context.ts fills it per HTTP request). */
export interface AuditSource {
  sourceAddress?: string | undefined;
  userAgent?: string | undefined;
}

/** One event to record: the type decides the shape of `details` and which reasons fit. */
export type AuditEventInput = {
  [T in AuditEventType]: {
    type: T;
    actor: AuditActor;
    /** The user the event is about, when there is one. */
    userId?: number | undefined;
    installationId?: string | undefined;
    reason?: AuditReason<T> | undefined;
    details: AuditDetails<T>;
  };
}[AuditEventType];

export function classOf(type: AuditEventType): AuditClass {
  return AUDIT_EVENTS[type].class;
}
