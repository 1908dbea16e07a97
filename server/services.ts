import { AccountSessionStore } from './account/account-sessions';
import { AdminRoleStore } from './admin-console/admin-roles';
import { AdminSessionStore } from './admin-console/admin-sessions';
import { SelfDeployment } from './account/self-deployment';
import { AuditLog } from './audit/audit-log';
import { AuditDeadLetters } from './audit/outbox';
import type { AuditClass } from './audit/events';
import type { ServerFeatures } from '../protocol/api';
import type { Limits } from './config';
import { DeploymentProfiles } from './deployment-profiles/deployment-profiles';
import { featuresFor, profileMfaOf } from './deployment-profiles/profile-settings';
import { DeploymentService } from './deployments/deployment-service';
import { DeploymentStore } from './deployments/deployment-store';
import { DomainStore } from './discovery/domain-store';
import { Federation } from './federation/federation';
import { SignInPolicy } from './discovery/sign-in-policy';
import type { ServerIdentity } from './identity';
import { LicenseStore } from './licenses/license-store';
import { MfaAccount } from './mfa/account';
import { AuthenticatorStore } from './mfa/authenticators';
import { ChallengeStore } from './mfa/challenges';
import { DEFAULT_CODE_TIMINGS } from './mfa/codes';
import type { CodeDelivery } from './mfa/delivery';
import { DeviceStore } from './mfa/devices';
import { FirstEnrolment } from './mfa/enrolment';
import { SecondFactorLock } from './mfa/failure-lock';
import { mailedNotices, type SecurityNotices } from './mfa/notices';
import { MfaPolicyStore } from './mfa/policy';
import { PasskeyStepStore, PasskeyStore } from './mfa/passkey-store';
import { Passkeys } from './mfa/passkeys';
import { WebAuthn } from './mfa/webauthn';
import { SecondStep } from './mfa/second-step';
import { SecretBox } from './mfa/secret-box';
import { MfaGate } from './mfa/sign-in-gate';
import { RecoveryCodeStore } from './mfa/recovery-codes';
import type { MailDelivery } from './mail/mail-delivery';
import { OtpClientStore } from './otp/otp-clients';
import { OtpService } from './otp/otp-service';
import { DEFAULT_OTP_TTL_SECONDS, ServiceOtpStore } from './otp/service-otps';
import { PasswordResetService } from './password-reset/password-reset-service';
import { ResetLinkStore } from './password-reset/reset-links';
import { PasswordResetPolicyStore } from './password-reset/reset-policy';
import { signOutEverywhere, type SignedOut } from './password-reset/sign-out-everywhere';
import { SessionService } from './sessions/session-service';
import { SessionStore } from './sessions/session-store';
import { SignInThrottle } from './sessions/sign-in-throttle';
import type { Storage } from './storage/storage';
import { UserStore } from './users/user-store';
import { SERVER_FEATURES } from './users/user-summary';

export interface Services {
  /**
   * The database every store runs on (SQLite or PostgreSQL). Several writes that belong together run as
   * one transaction with `storage.transaction(async () => …)` (stores' own transactions nest inside).
   */
  storage: Storage;
  users: UserStore;
  sessionStore: SessionStore;
  deployments: DeploymentService;
  sessions: SessionService;
  domains: DomainStore;
  signInPolicy: SignInPolicy;
  mfa: MfaServices;
  /** Enterprise single sign-on: SAML and upstream OpenID providers (server/federation). */
  federation: Federation;
  /** What this server offers clients now, for the deployment config and discovery. */
  features: () => Promise<ServerFeatures>;
  /** Forgot password (server/password-reset). */
  passwordReset: PasswordResetService;
  passwordResetPolicy: PasswordResetPolicyStore;
  /** The account web page's sessions and deployment links (server/account). */
  accountSessions: AccountSessionStore;
  selfDeployment: SelfDeployment;
  /** One-time passwords for other services and the front ends that verify them (server/otp). */
  otp: OtpService;
  otpClients: OtpClientStore;
  /** Ends every session, token and OTP of the user (server/password-reset/sign-out-everywhere.ts). */
  signOutEverywhere: (userId: number) => Promise<SignedOut>;
  /** Issue 18: the admin role and the admin console's sessions (server/admin-console). */
  adminRoles: AdminRoleStore;
  adminSessions: AdminSessionStore;
  /** The audit trail (server/audit): every security event, append-only. */
  audit: AuditLog;
  /** Issue 18: the audit outbox's undeliverable rows (server/audit/outbox.ts; `audit dead-letters`). */
  auditDeadLetters: AuditDeadLetters;
  /** Deployment status (server/deployments/deployment-status.ts). */
  deploymentStore: DeploymentStore;
  /** Published licenses and deployment profiles (server/licenses, server/deployment-profiles). */
  licenses: LicenseStore;
  profiles: DeploymentProfiles;
}

/** Multi-factor authentication (server/mfa/README.md). */
export interface MfaServices {
  policy: MfaPolicyStore;
  gate: MfaGate;
  secondStep: SecondStep;
  account: MfaAccount;
  authenticators: AuthenticatorStore;
  devices: DeviceStore;
  /** Who may enrol a first authenticator during a sign-in (enrolment.ts). */
  enrolment: FirstEnrolment;
  /** Wrong second-factor codes per account (failure-lock.ts). */
  lock: SecondFactorLock;
  /** E-mails about added/removed factors, remembered devices and locks (notices.ts). */
  notices: SecurityNotices;
  /** Single-use recovery codes (recovery-codes.ts). */
  recoveryCodes: RecoveryCodeStore;
  /** Passkeys (WebAuthn): second factor, passwordless sign-in, management (passkeys.ts). */
  passkeys: Passkeys;
  /** The audit log, for the MFA routes' own facts (a remembered device). */
  audit: AuditLog;
}

export interface MfaWiring {
  /** Where the MFA key file lives (secret-box.ts). */
  dataDir: string;
  /** The box to seal with, when not the data dir's key file (secret-key.ts: PostgreSQL). */
  box?: SecretBox | undefined;
  /** How e-mail and SMS codes leave the server. */
  delivery: CodeDelivery;
  /** The server's mail, for password reset links; absent where no mail is sent (the admin CLI). */
  mail?: (() => MailDelivery | undefined) | undefined;
  /** How long a one-time password for other services works (DEFAULT_OTP_TTL_SECONDS). */
  otpTtlSeconds?: number | undefined;
  log?: ((line: string) => void) | undefined;
  /** The audit sinks ('webhook:<class>', 'file') each event class is delivered to (server/audit/outbox.ts). */
  auditSinks?: ((eventClass: AuditClass) => readonly string[]) | undefined;
}

/** Wires stores and services over one database; shared by the HTTP server and the admin CLI. */
export function createServices(
  storage: Storage,
  identity: ServerIdentity,
  clock: () => number,
  limits: Limits,
  wiring: MfaWiring,
): Services {
  const audit = new AuditLog(storage, clock, wiring.auditSinks);
  const users = new UserStore(storage, clock);
  const sessionStore = new SessionStore(storage, clock);
  const domains = new DomainStore(storage, clock);
  const passwordResetPolicy = new PasswordResetPolicyStore(storage, clock);
  const features = async (): Promise<ServerFeatures> => ({
    ...SERVER_FEATURES,
    forgotPassword: (await passwordResetPolicy.read()).enabled,
  });
  const deploymentStore = new DeploymentStore(storage, clock);
  const licenses = new LicenseStore(storage, clock);
  const profiles = new DeploymentProfiles(storage, clock, licenses, deploymentStore, identity);
  // A pushed deployment profile's sign-in method and MFA policy apply on the server (issue 18).
  const signInPolicy = new SignInPolicy(
    storage,
    identity,
    async (name) => (await profiles.pushedSettingsForName(name))?.signInMethod,
  );
  const deployments = new DeploymentService(
    deploymentStore,
    users,
    identity,
    clock,
    signInPolicy,
    async (user) => featuresFor(await features(), await profiles.pushedSettingsOf(user.id)),
    (user) => profiles.licenseFor(user),
    audit,
  );
  const throttle = new SignInThrottle(storage, clock, limits);

  const box = wiring.box ?? SecretBox.inDataDir(wiring.dataDir);
  const policy = new MfaPolicyStore(storage, clock, async (userId) =>
    profileMfaOf(await profiles.pushedSettingsOf(userId)),
  );
  const authenticators = new AuthenticatorStore(storage, clock, box);
  const challenges = new ChallengeStore(storage, clock);
  const devices = new DeviceStore(storage, clock);
  const enrolment = new FirstEnrolment(storage, clock);
  const lock = new SecondFactorLock(storage, clock);
  const recoveryCodes = new RecoveryCodeStore(storage, clock, box);
  const notices = mailedNotices({
    mail: wiring.mail ?? (() => undefined),
    serverName: () => identity.name,
    log: wiring.log ?? (() => undefined),
  });
  const passkeyStore = new PasskeyStore(storage, clock);
  const gate = new MfaGate({
    clock,
    policy,
    authenticators,
    challenges,
    devices,
    enrolment,
    recoveryCodes,
    passkeys: passkeyStore,
  });

  const sessions = new SessionService(
    users,
    sessionStore,
    throttle,
    identity,
    storage,
    signInPolicy,
    gate,
    (userId) => signOutEverywhere(storage, userId, clock()),
    audit,
    // Every session answer carries the user's license and their profile's pushed client settings; a
    // password sign-in reads the profile once for its sign-in method, MFA policy and answer.
    {
      read: (user) => profiles.pushedProfileFor(user),
      answer: (pushed) => profiles.sessionSettingsOf(pushed),
    },
  );
  const secondStep = new SecondStep({
    clock,
    storage,
    identity,
    users,
    policy,
    authenticators,
    challenges,
    box,
    gate,
    delivery: wiring.delivery,
    timings: DEFAULT_CODE_TIMINGS,
    enrolment,
    lock,
    notices,
    recoveryCodes,
    audit,
  });
  const passkeys = new Passkeys({
    clock,
    storage,
    origin: () => identity.origin,
    users,
    sessions,
    policy,
    challenges,
    secondStep,
    lock,
    notices,
    audit,
    timings: DEFAULT_CODE_TIMINGS,
    recoveryCodes,
    store: passkeyStore,
    steps: new PasskeyStepStore(storage, clock),
    // The relying party is the server's public origin, read when each ceremony starts (known once it listens).
    webauthn: new WebAuthn(() => ({ origin: identity.origin, name: identity.name }), passkeyStore),
  });

  const account = new MfaAccount({
    clock,
    storage,
    identity,
    sessions,
    policy,
    authenticators,
    devices,
    gate,
    notices,
    recoveryCodes,
    passkeys,
    audit,
  });

  const passwordReset = new PasswordResetService({
    storage,
    clock,
    identity,
    users,
    links: new ResetLinkStore(storage, clock),
    policy: passwordResetPolicy,
    offeredTo: async (userId) => (await profiles.pushedSettingsOf(userId))?.features?.forgotPassword !== false,
    mail: wiring.mail ?? (() => undefined),
    log: wiring.log ?? (() => undefined),
    audit,
  });
  const accountSessions = new AccountSessionStore(storage, clock);
  const otpClients = new OtpClientStore(storage, clock);
  const otp = new OtpService({
    clock,
    storage,
    sessions,
    users,
    authenticators,
    lock,
    notices,
    audit,
    otps: new ServiceOtpStore(storage, clock, box),
    ttlSeconds: wiring.otpTtlSeconds ?? DEFAULT_OTP_TTL_SECONDS,
  });
  return {
    storage,
    users,
    sessionStore,
    deployments,
    sessions,
    domains,
    signInPolicy,
    mfa: {
      policy,
      gate,
      secondStep,
      account,
      authenticators,
      devices,
      enrolment,
      lock,
      notices,
      recoveryCodes,
      passkeys,
      audit,
    },
    federation: new Federation(storage, clock, box, users, identity, audit),
    features,
    passwordReset,
    passwordResetPolicy,
    accountSessions,
    selfDeployment: new SelfDeployment(deploymentStore, deployments, accountSessions),
    otp,
    otpClients,
    signOutEverywhere: (userId) => signOutEverywhere(storage, userId, clock()),
    adminRoles: new AdminRoleStore(storage, clock),
    adminSessions: new AdminSessionStore(storage, clock),
    audit,
    auditDeadLetters: new AuditDeadLetters(storage, clock),
    deploymentStore,
    licenses,
    profiles,
  };
}
