import { z } from 'zod';
import { LoginId } from '../../protocol/api';
import { KeywayError, type ValidationField } from '../../protocol/errors';
import type { DeploymentProfile, ProfilePush } from '../deployment-profiles/deployment-profiles';
import {
  assertChannelsReachable,
  channelMismatch,
  type ProfileChange,
  type ProfileSettings,
} from '../deployment-profiles/profile-settings';
import { cliActor } from '../audit/actors';
import type { AuditPage, AuditQuery } from '../audit/audit-log';
import { ProviderLocation, ProviderName, type AuditActor, type AuditEventInput } from '../audit/events';
import type { DeadLetter } from '../audit/outbox';
import type { IssuedDeployment } from '../deployments/deployment-service';
import type { DeploymentStatus } from '../deployments/deployment-status';
import type { PublishedLicense } from '../licenses/license-store';
import { domainOf, parseDomain } from '../discovery/domain-name';
import type { SignInDomain } from '../discovery/domain-store';
import type { SignInKind } from '../discovery/sign-in-policy';
import type { ServerIdentity } from '../identity';
import { oidcIssuer } from '../oidc/issuer';
import { ProviderAdmin } from '../federation/provider-admin';
import { reasonOf, type IdentityProvider } from '../federation/provider-config';
import { deploymentEmail } from '../mail/deployment-email';
import type { MailDelivery, MailReceipt } from '../mail/mail-delivery';
import { welcomeEmail } from '../mail/welcome-email';
import { parsePhoneNumber } from '../mfa/destinations';
import { checkTrustDays, parseChannels, parseMode, type MfaPolicy } from '../mfa/policy';
import type { OtpClient } from '../otp/otp-clients';
import { checkLinkTtl, type PasswordResetPolicy } from '../password-reset/reset-policy';
import type { Services } from '../services';
import { generateInitialPassword, hashPassword } from '../users/password-hash';
import { assertPasswordAcceptable } from '../users/password-policy';
import { parseLockReason } from '../users/user-lock';
import type { UserRecord } from '../users/user-store';
import { UserDirectory, type DirectoryPage, type PageCursor, type SearchField } from '../admin-console/user-directory';

export interface AdminUser {
  loginId: string;
  email: string;
  displayName: string;
  aliases: string[];
  /** The user's own setting ('password' or 'oidc'). */
  signInMethod: string;
  /** How the user actually signs in: their own setting, or 'oidc' when one of their domains is switched. */
  effectiveSignInMethod: SignInKind;
  /** The switched domain that puts a 'password' user on unified login, if any. */
  signInDomain?: string;
  /** E.164, where SMS codes go. */
  phone?: string;
  /** Set while an admin has locked the user (lock-user): when, and the admin's note if they gave one. */
  locked?: { at: number; reason?: string };
}

type SignInMethodName = 'password' | 'oidc';

/** What the console shows about one user (issue 18): their factors, remembered devices and sessions. */
export interface AdminUserDetail {
  user: AdminUser;
  admin: boolean;
  authenticators: { name: string; addedAt: number }[];
  devices: { name: string; addedAt: number; trustedUntil: number }[];
  /** Live Keyway sessions (refresh-token families not revoked), newest first. */
  sessions: { installationId: string | undefined; startedAt: number }[];
}

/** The edit form's fields; absent ones stay as they are. */
export interface UserEdit {
  displayName?: string | undefined;
  email?: string | undefined;
  aliases?: readonly string[] | undefined;
  /** '' removes the number. */
  phone?: string | undefined;
}

/** What set-mfa-policy changes; absent parts stay as they are. */
export interface MfaPolicyChange {
  /** "totp,email,sms,passkey" or a subset. */
  channels?: string | undefined;
  mode?: string | undefined;
  trustDays?: number | undefined;
}

export interface DomainSignIn {
  domain: string;
  method: SignInMethodName;
  /** False when the domain already signed in this way. */
  changed: boolean;
  /** Existing users with a name in this domain. */
  users: number;
}

export interface CreateUserInput {
  loginId: string;
  email: string;
  displayName: string;
  /** Generated (120 random bits) when absent. */
  password?: string | undefined;
  /** Further names the user signs in with, such as a UPN. */
  aliases?: readonly string[] | undefined;
  /** Send the welcome e-mail with the initial password (default true). */
  sendWelcomeEmail?: boolean | undefined;
  /** For SMS codes, in international form (+447700900123). */
  phone?: string | undefined;
}

export interface CreatedUser {
  user: AdminUser;
  password: string;
  passwordGenerated: boolean;
  welcomeEmail?: MailReceipt;
}

export interface AdminDeployment extends IssuedDeployment {
  user: AdminUser;
  email?: MailReceipt;
}

/** A deployment's status with its user's login ID. */
export interface AdminDeploymentStatus extends DeploymentStatus {
  loginId: string;
}

export interface PasswordReset {
  user: AdminUser;
  password: string;
  passwordGenerated: boolean;
  revokedSessions: number;
}

export interface AdminServiceDeps {
  services: Services;
  mail: MailDelivery;
  identity: ServerIdentity;
  deploymentTtlSeconds: number;
  /** What close() releases; nothing when the admin shares a running server's resources. */
  onClose?: () => void;
  /**
   * Who acts, as the audit log records it: "cli:<os user>" by default (audit/actors.ts); the console
   * makes one service per signed-in admin with `actingAs`.
   */
  actor?: (AuditActor & { kind: 'admin' }) | undefined;
}

const NewUser = z.object({
  loginId: LoginId,
  email: z.email('not a valid e-mail address').max(254),
  displayName: z.string().trim().min(1, 'must not be empty').max(200),
  // Length and content are the password policy's business, so its reasons reach the admin.
  password: z.string().optional(),
  aliases: z.array(LoginId).max(20).default([]),
});
const FIELD_NAMES: Record<string, string> = {
  loginId: 'login ID',
  email: 'e-mail address',
  displayName: 'display name',
  password: 'password',
  aliases: 'alias',
};

/** Each user field's code, for the console to name it in the admin's language (KeywayError's detail). */
const USER_FIELDS: Record<string, ValidationField> = {
  loginId: 'user-login-id',
  email: 'user-email',
  displayName: 'user-display-name',
  password: 'user-password',
  aliases: 'user-aliases',
};

/** A user's field refused: named in English (the CLI's sentence) and as a field and reason code. */
function userRefusal(issue: z.core.$ZodIssue | undefined): KeywayError {
  const key = String(issue?.path[0]);
  const field = USER_FIELDS[key];
  return new KeywayError(
    'invalid_input',
    `The ${FIELD_NAMES[key] ?? 'input'} is not valid: ${issue?.message ?? 'unknown problem'}.`,
    field === undefined ? undefined : { detail: { field, reason: issue === undefined ? 'invalid' : reasonOf(issue) } },
  );
}

/** What an IT admin does: create users, send deployments, reset passwords, end sessions. */
export class AdminService {
  private readonly actor: AuditActor & { kind: 'admin' };

  constructor(private readonly deps: AdminServiceDeps) {
    this.actor = deps.actor ?? cliActor();
  }

  /** The same service, recording `name` ("cli:…" or "console:<login ID>") as the acting admin. */
  actingAs(name: string): AdminService {
    return new AdminService({ ...this.deps, actor: { kind: 'admin', name } });
  }

  /** The public origin deployment codes are made for ('' until a server has started on this data dir). */
  get origin(): string {
    return this.deps.identity.origin;
  }

  /** Where mail goes: an SMTP relay (host:port) or the outbox directory. */
  get mailDestination(): { via: 'smtp' | 'outbox'; location: string } {
    return { via: this.deps.mail.via, location: this.deps.mail.location };
  }

  /**
   * Every check createUser makes before it writes, without writing (the console's CSV dry run): the
   * fields, the phone number, the password policy and that no user holds any of the names yet.
   * Throws the same `invalid_input` errors createUser would.
   */
  async checkNewUser(input: CreateUserInput): Promise<void> {
    const { fields } = this.validateNewUser(input);
    for (const name of [fields.loginId, fields.email, ...fields.aliases]) {
      const owner = await this.deps.services.users.findByName(name);
      if (owner)
        throw new KeywayError('invalid_input', `The name "${name}" is already used by user "${owner.loginId}".`);
    }
  }

  private validateNewUser(input: CreateUserInput): {
    fields: z.output<typeof NewUser>;
    phone: string | undefined;
    password: string;
  } {
    const parsed = NewUser.safeParse(input);
    if (!parsed.success) {
      throw userRefusal(parsed.error.issues[0]);
    }
    const fields = parsed.data;
    const phone = input.phone === undefined ? undefined : parsePhoneNumber(input.phone);
    const password = fields.password ?? generateInitialPassword();
    assertPasswordAcceptable(password, fields);
    return { fields, phone, password };
  }

  async createUser(input: CreateUserInput): Promise<CreatedUser> {
    const { fields, phone, password } = this.validateNewUser(input);
    const passwordGenerated = fields.password === undefined;
    const passwordHash = await hashPassword(password);
    const record = await this.atomically(async () => {
      const created = await this.deps.services.users.create({ ...fields, phone, passwordHash });
      await this.audit({
        type: 'admin.user-created',
        userId: created.id,
        details: {
          aliases: fields.aliases.length,
          phone: phone !== undefined,
          welcomeEmail: input.sendWelcomeEmail !== false,
        },
      });
      return created;
    });
    const user = await this.adminUser(record);
    if (input.sendWelcomeEmail === false) return { user, password, passwordGenerated };
    const message = welcomeEmail({
      to: record.email,
      displayName: record.displayName,
      loginId: record.loginId,
      serverName: this.deps.identity.name,
      password,
    });
    const receipt = await this.deliver(
      message,
      `User "${record.loginId}" was created (run reset-password to give them a password by other means)`,
    );
    return { user, password, passwordGenerated, welcomeEmail: receipt };
  }

  async findUser(name: string): Promise<AdminUser | undefined> {
    const record = await this.deps.services.users.findByName(name);
    return record && this.adminUser(record);
  }

  async listUsers(): Promise<AdminUser[]> {
    const records = await this.deps.services.users.list();
    return Promise.all(records.map((record) => this.adminUser(record)));
  }

  /** A fresh deployment code for the user, without sending it. */
  async createDeployment(name: string, options: { ttlSeconds?: number } = {}): Promise<AdminDeployment> {
    const record = await this.requireUser(name);
    if (this.deps.identity.origin === '') {
      throw new KeywayError(
        'invalid_input',
        'The public origin of this server is not known yet: start it once with "serve", or pass --public-origin.',
      );
    }
    const ttlSeconds = options.ttlSeconds ?? this.deps.deploymentTtlSeconds;
    if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) {
      throw new KeywayError('invalid_input', 'A deployment must live for a positive number of seconds.');
    }
    const created = await this.deps.services.deployments.create(record, ttlSeconds, this.actor);
    return { ...created, user: await this.adminUser(record) };
  }

  /** A fresh deployment code for the user, sent to them in the deployment e-mail. */
  async sendDeployment(name: string, options: { ttlSeconds?: number } = {}): Promise<AdminDeployment> {
    return this.mailDeployment(await this.createDeployment(name, options));
  }

  private async mailDeployment(deployment: AdminDeployment): Promise<AdminDeployment> {
    const message = deploymentEmail({
      to: deployment.user.email,
      displayName: deployment.user.displayName,
      serverName: this.deps.identity.name,
      landingUrl: deployment.landingUrl,
      code: deployment.code,
      expiresAt: deployment.expiresAt,
    });
    const email = await this.deliver(message, 'The deployment was created');
    return { ...deployment, email };
  }

  /** Sets a new password (generated when absent) and ends every session of the user. */
  async resetPassword(name: string, options: { password?: string | undefined } = {}): Promise<PasswordReset> {
    const record = await this.requireUser(name);
    const passwordGenerated = options.password === undefined;
    const password = options.password ?? generateInitialPassword();
    assertPasswordAcceptable(password, record);
    const passwordHash = await hashPassword(password);
    const { storage, users, signOutEverywhere } = this.deps.services;
    // One transaction: a new password never coexists with anything the old one opened.
    const revokedSessions = await storage.transaction(async () => {
      await users.setPasswordHash(record.id, passwordHash);
      const sessionsRevoked = (await signOutEverywhere(record.id)).apiSessions;
      await this.audit({ type: 'password.reset', userId: record.id, details: { via: 'admin', sessionsRevoked } });
      return sessionsRevoked;
    });
    return { user: await this.adminUser(record), password, passwordGenerated, revokedSessions };
  }

  async revokeSessions(name: string): Promise<{ user: AdminUser; revokedSessions: number }> {
    const record = await this.requireUser(name);
    // API sessions, the provider's sessions/grants/tokens, /account sessions and live OTPs alike, in one
    // transaction (signOutEverywhere).
    const { apiSessions } = await this.atomically(async () => {
      const signedOut = await this.deps.services.signOutEverywhere(record.id);
      await this.audit({ type: 'sessions.revoked', userId: record.id, details: { sessions: signedOut.apiSessions } });
      return signedOut;
    });
    return { user: await this.adminUser(record), revokedSessions: apiSessions };
  }

  /**
   * Locks the user until an admin unlocks them (users/user-lock.ts says which paths refuse a locked
   * user) and ends every session they have, in one transaction with its audit event: no session opened
   * before the lock outlives it. `reason` is a note for admins (one line, at most 200 characters); the
   * audit log records only whether there was one. Locking a locked user changes nothing and records nothing.
   */
  async lockUser(
    name: string,
    options: { reason?: string | undefined } = {},
  ): Promise<{ user: AdminUser; changed: boolean; revokedSessions: number }> {
    const record = await this.requireUser(name);
    const reason = parseLockReason(options.reason);
    const { storage, users, signOutEverywhere } = this.deps.services;
    const outcome = await storage.transaction(async () => {
      const current = await users.findById(record.id);
      if (!current) throw new KeywayError('not_found', `User "${record.loginId}" no longer exists.`);
      if (current.lock !== undefined) return { changed: false, revokedSessions: 0 };
      await users.setLock(record.id, { reason });
      const revokedSessions = (await signOutEverywhere(record.id)).apiSessions;
      // A forgot-password link sent before the lock must not work again after an unlock.
      await this.deps.services.passwordReset.voidLinksOf(record.id);
      await this.audit({
        type: 'user.locked',
        userId: record.id,
        details: { sessionsRevoked: revokedSessions, reason: reason !== undefined },
      });
      return { changed: true, revokedSessions };
    });
    return { user: await this.adminUser(await this.requireUser(record.loginId)), ...outcome };
  }

  /** Ends an admin's lock; false (and nothing recorded) when the user was not locked. */
  async unlockUser(name: string): Promise<{ user: AdminUser; changed: boolean }> {
    const record = await this.requireUser(name);
    const { storage, users } = this.deps.services;
    const changed = await storage.transaction(async () => {
      const current = await users.findById(record.id);
      if (current?.lock === undefined) return false;
      await users.setLock(record.id, undefined);
      await this.audit({ type: 'user.unlocked', userId: record.id, details: {} });
      return true;
    });
    return { user: await this.adminUser(await this.requireUser(record.loginId)), changed };
  }

  /** Whether users may reset a forgotten password by e-mail (off by default), and the link's lifetime. */
  passwordResetPolicy(): Promise<PasswordResetPolicy> {
    return this.deps.services.passwordResetPolicy.read();
  }

  setPasswordResetPolicy(change: {
    enabled?: boolean | undefined;
    linkTtlMinutes?: number | undefined;
  }): Promise<PasswordResetPolicy> {
    const update = {
      ...(change.enabled === undefined ? {} : { enabled: change.enabled }),
      ...(change.linkTtlMinutes === undefined ? {} : { linkTtlMinutes: checkLinkTtl(change.linkTtlMinutes) }),
    };
    return this.atomically(async () => {
      const policy = await this.deps.services.passwordResetPolicy.update(update);
      await this.audit({
        type: 'admin.password-reset-policy-set',
        details: { enabled: policy.enabled, linkTtlMinutes: policy.linkTtlMinutes },
      });
      return policy;
    });
  }

  /** A front end (VPN, RADIUS) that may verify one-time passwords; its API key is returned only here. */
  createOtpClient(name: string): Promise<{ client: OtpClient; apiKey: string }> {
    return this.atomically(async () => {
      const created = await this.deps.services.otpClients.create(name);
      await this.audit({ type: 'admin.otp-client-created', details: { client: created.client.name } });
      return created;
    });
  }

  listOtpClients(): Promise<OtpClient[]> {
    return this.deps.services.otpClients.list();
  }

  async revokeOtpClient(name: string): Promise<void> {
    const revoked = await this.atomically(async () => {
      if (!(await this.deps.services.otpClients.revoke(name))) return false;
      // The name matched a live key's row, so it is one create() accepted.
      await this.audit({ type: 'admin.otp-client-revoked', details: { client: name } });
      return true;
    });
    if (!revoked) throw new KeywayError('not_found', `No front end named "${name}" has a live key.`);
  }

  /** Enterprise identity providers (SAML, upstream OIDC) the sign-in page brokers to. */
  get identityProviders(): ProviderAdmin {
    return new ProviderAdmin(this.deps.services.federation, () => this.deps.identity.origin, {
      atomically: (work) => this.atomically(work),
      added: (provider, created) =>
        this.audit({ type: 'admin.idp-added', details: { ...idpAuditDetails(provider), created } }),
      removed: async (provider) => {
        const { provider: id, kind, issuer, domains } = idpAuditDetails(provider);
        await this.audit({
          type: 'admin.idp-removed',
          details: { provider: id, kind, ...(issuer === undefined ? {} : { issuer }), domains },
        });
      },
    });
  }

  /** The OpenID Provider's issuer, where unified-login users sign in. */
  get issuer(): string {
    return oidcIssuer(this.deps.identity.origin);
  }

  /** Switches one user to unified login ('oidc') or back to a password. */
  async setSignInMethod(name: string, method: string): Promise<{ user: AdminUser; changed: boolean }> {
    const parsed = parseMethod(method);
    const record = await this.requireUser(name);
    await this.atomically(async () => {
      await this.deps.services.users.setSignInMethod(record.id, parsed);
      await this.audit({
        type: 'admin.sign-in-method-set',
        userId: record.id,
        details: { method: parsed, changed: record.signInMethod !== parsed },
      });
    });
    const updated = await this.requireUser(record.loginId);
    return { user: await this.adminUser(updated), changed: record.signInMethod !== parsed };
  }

  /**
   * Switches everyone whose e-mail address or alias is in the domain, including people without an
   * account yet (discovery answers them too), to unified login, or back to passwords.
   */
  async setDomainSignInMethod(domain: string, method: string): Promise<DomainSignIn> {
    const parsed = parseMethod(method);
    const name = parseDomain(domain);
    const { domains, users } = this.deps.services;
    const changed = await this.atomically(async () => {
      const switched = await (parsed === 'oidc' ? domains.switchToOidc(name) : domains.switchToPassword(name));
      await this.audit({
        type: 'admin.domain-sign-in-method-set',
        details: { domain: name, method: parsed, changed: switched },
      });
      return switched;
    });
    const members = (await users.list()).filter((user) => namesOf(user).some((each) => domainOf(each) === name)).length;
    return { domain: name, method: parsed, changed, users: members };
  }

  listSignInDomains(): Promise<SignInDomain[]> {
    return this.deps.services.domains.list();
  }

  /** The organisation's MFA policy. */
  mfaPolicy(): Promise<MfaPolicy> {
    return this.deps.services.mfa.policy.read();
  }

  /** Changes the given parts of the MFA policy and keeps the rest; returns the policy now in force. */
  setMfaPolicy(change: MfaPolicyChange): Promise<MfaPolicy> {
    const update = {
      ...(change.channels === undefined ? {} : { channels: parseChannels(change.channels) }),
      ...(change.mode === undefined ? {} : { mode: parseMode(change.mode) }),
      ...(change.trustDays === undefined ? {} : { trustDays: checkTrustDays(change.trustDays) }),
    };
    return this.atomically(async () => {
      const policy = await this.deps.services.mfa.policy.update(update);
      await this.audit({
        type: 'admin.mfa-policy-set',
        details: { channels: [...policy.channels], mode: policy.mode, trustDays: policy.trustDays },
      });
      return policy;
    });
  }

  /**
   * For a user who lost their authenticator (and their recovery codes): removes all their
   * authenticators and recovery codes, forgets their remembered devices, and clears a second-factor lock. Under an enforced policy they enrol again at
   * the first sign-in after a new deployment (server/mfa/enrolment.ts), or sign in with e-mail/SMS codes.
   */
  async resetMfa(
    name: string,
  ): Promise<{ user: AdminUser; authenticators: number; devices: number; recoveryCodes: number }> {
    const record = await this.requireUser(name);
    const user = await this.adminUser(record);
    const { storage, mfa } = this.deps.services;
    const trustDays = (await mfa.policy.read()).trustDays;
    // One transaction: the three resets happen together or not at all; the notice goes after it commits.
    const reset = await storage.transaction(async () => {
      // The owner proved who they are to the admin: a second-factor lock from someone's guessing ends too.
      await mfa.lock.clear(record.id);
      const authenticators = await mfa.authenticators.removeAllOf(record.id);
      const devices = await mfa.devices.revokeAllOf(record.id, trustDays);
      // The next first enrolment makes a new set (recovery-codes.ts firstSet).
      const recoveryCodes = await mfa.recoveryCodes.clear(record.id);
      await this.audit({
        type: 'admin.mfa-reset',
        userId: record.id,
        details: { authenticators, devices, recoveryCodes },
      });
      return { user, authenticators, devices, recoveryCodes };
    });
    if (reset.authenticators > 0 || reset.recoveryCodes > 0) {
      mfa.notices.tell(record, { kind: 'authenticator-removed' });
    }
    return reset;
  }

  /** Sets (or, with undefined, removes) the number the user's SMS codes go to. */
  async setPhone(name: string, phone: string | undefined): Promise<AdminUser> {
    const record = await this.requireUser(name);
    const parsed = phone === undefined ? undefined : parsePhoneNumber(phone);
    await this.atomically(async () => {
      await this.deps.services.users.setPhone(record.id, parsed);
      await this.audit({ type: 'admin.phone-set', userId: record.id, details: { phone: parsed !== undefined } });
    });
    return this.adminUser(await this.requireUser(record.loginId));
  }

  /** Lets the user sign in to the admin console (/admin); false when they were an admin already. */
  async grantAdmin(name: string): Promise<{ user: AdminUser; changed: boolean }> {
    const record = await this.requireUser(name);
    const changed = await this.atomically(async () => {
      const granted = await this.deps.services.adminRoles.grant(record.id);
      await this.audit({ type: 'admin.role-granted', userId: record.id, details: { changed: granted } });
      return granted;
    });
    return { user: await this.adminUser(record), changed };
  }

  /** Takes the admin role away and ends the user's console sessions; false when they had none. */
  async revokeAdmin(name: string): Promise<{ user: AdminUser; changed: boolean }> {
    const record = await this.requireUser(name);
    const changed = await this.atomically(async () => {
      const revoked = await this.deps.services.adminRoles.revoke(record.id);
      await this.audit({ type: 'admin.role-revoked', userId: record.id, details: { changed: revoked } });
      return revoked;
    });
    return { user: await this.adminUser(record), changed };
  }

  listAdmins(): Promise<string[]> {
    return this.deps.services.adminRoles.list();
  }

  /** One keyset page of users, by sign-in name or display name prefix (admin-console/user-directory.ts). */
  searchUsers(field: SearchField, query: string, after?: PageCursor): Promise<DirectoryPage> {
    return new UserDirectory(this.deps.services.storage).page(field, query, after);
  }

  async userDetail(name: string): Promise<AdminUserDetail> {
    const record = await this.requireUser(name);
    const { mfa, storage, adminRoles } = this.deps.services;
    const trustDays = (await mfa.policy.read()).trustDays;
    const families = await storage
      .q()
      .selectFrom('session_families')
      .select(['installation_id', 'created_at'])
      .where('user_id', '=', record.id)
      .where('revoked_at', 'is', null)
      .orderBy('created_at', 'desc')
      .limit(100)
      .execute();
    return {
      user: await this.adminUser(record),
      admin: await adminRoles.isAdmin(record.id),
      authenticators: (await mfa.authenticators.confirmedOf(record.id)).map((each) => ({
        name: each.name,
        addedAt: each.confirmedAt ?? each.createdAt,
      })),
      devices: (await mfa.devices.trusted(record.id, trustDays)).map((each) => ({
        name: each.name,
        addedAt: each.createdAt,
        trustedUntil: each.trustedUntil,
      })),
      sessions: families.map((row) => ({
        installationId: row.installation_id ?? undefined,
        startedAt: row.created_at,
      })),
    };
  }

  /** Changes the user's display name, e-mail address, aliases and phone, validated as in createUser. */
  async editUser(name: string, edit: UserEdit): Promise<AdminUser> {
    const record = await this.requireUser(name);
    const parsed = NewUser.pick({ email: true, displayName: true, aliases: true }).safeParse({
      email: edit.email ?? record.email,
      displayName: edit.displayName ?? record.displayName,
      aliases: edit.aliases ?? record.aliases,
    });
    if (!parsed.success) {
      throw userRefusal(parsed.error.issues[0]);
    }
    const phone =
      edit.phone === undefined ? record.phone : edit.phone.trim() === '' ? undefined : parsePhoneNumber(edit.phone);
    const { storage, users } = this.deps.services;
    await storage.transaction(async () => {
      await users.updateProfile(record.id, parsed.data);
      await users.setPhone(record.id, phone);
    });
    return this.adminUser(await this.requireUser(record.loginId));
  }

  // --- Deployment status, deployment profiles, licenses (issue 18; server/deployments, deployment-profiles) ---

  /** Every deployment's status, newest first; one user's with `user` (login ID, e-mail or alias). */
  async listDeployments(options: { user?: string | undefined } = {}): Promise<AdminDeploymentStatus[]> {
    const { deploymentStore, users } = this.deps.services;
    const only = options.user === undefined ? undefined : await this.requireUser(options.user);
    const statuses = await deploymentStore.list(only === undefined ? {} : { userId: only.id });
    const loginIds = new Map<number, string>();
    if (only) loginIds.set(only.id, only.loginId);
    for (const status of statuses) {
      if (!loginIds.has(status.userId))
        loginIds.set(status.userId, (await users.findById(status.userId))?.loginId ?? `#${status.userId}`);
    }
    return statuses.map((status) => ({ ...status, loginId: loginIds.get(status.userId) ?? `#${status.userId}` }));
  }

  /**
   * Sends the deployment's user a fresh code (the old code was never stored, so it cannot be sent again)
   * and revokes the old one if it is still open.
   */
  async resendDeployment(
    id: number,
    options: { ttlSeconds?: number } = {},
  ): Promise<AdminDeployment & { revokedPrevious: boolean }> {
    const previous = await this.requireDeployment(id);
    const record = await this.deps.services.users.findById(previous.userId);
    if (!record) throw new KeywayError('not_found', `The user of deployment ${id} no longer exists.`);
    // One transaction: the old code ends, the new one exists and both are recorded together; the mail
    // goes after it commits.
    const { deployment, revokedPrevious } = await this.atomically(async () => {
      const revoked = await this.deps.services.deploymentStore.revoke(id);
      const created = await this.createDeployment(record.loginId, options);
      await this.audit({
        type: 'deployment.resent',
        userId: record.id,
        details: { deployment: id, replacement: created.id, revokedPrevious: revoked },
      });
      return { deployment: created, revokedPrevious: revoked };
    });
    return { ...(await this.mailDeployment(deployment)), revokedPrevious };
  }

  /** Ends a deployment that is not redeemed yet: its code then answers "expired". */
  async revokeDeployment(id: number): Promise<AdminDeploymentStatus> {
    const before = await this.requireDeployment(id);
    const revoked = await this.atomically(async () => {
      if (!(await this.deps.services.deploymentStore.revoke(id))) return false;
      await this.audit({ type: 'deployment.revoked', userId: before.userId, details: { deployment: id } });
      return true;
    });
    if (!revoked) {
      const why =
        before.state === 'redeemed'
          ? 'it was redeemed already: end that installation with revoke-sessions'
          : `it is ${before.state} already`;
      throw new KeywayError('invalid_input', `Deployment ${id} cannot be revoked: ${why}.`);
    }
    const after = await this.requireDeployment(id);
    const user = await this.deps.services.users.findById(after.userId);
    return { ...after, loginId: user?.loginId ?? `#${after.userId}` };
  }

  createProfile(name: string, change: ProfileChange = {}): Promise<DeploymentProfile> {
    return this.atomically(async () => {
      const profile = await this.deps.services.profiles.create(name, change);
      await this.assertChannelsReachable(profile.settings);
      await this.audit({
        type: 'admin.profile-created',
        details: { profile: profile.name, settings: settingNames(profile.settings) },
      });
      return profile;
    });
  }

  /** Changes a profile's draft; its users' clients get it after `pushProfile`. */
  editProfile(name: string, change: ProfileChange): Promise<DeploymentProfile> {
    return this.atomically(async () => {
      const profile = await this.deps.services.profiles.edit(name, change);
      await this.assertChannelsReachable(profile.settings);
      await this.audit({
        type: 'admin.profile-edited',
        details: { profile: profile.name, settings: changedNames(change) },
      });
      return profile;
    });
  }

  /**
   * The one check of a profile's MFA channels against the server's (profile-settings.ts
   * assertChannelsReachable), for the CLI and the console alike: inside the caller's transaction, so a
   * refused create, edit or push writes nothing.
   */
  private async assertChannelsReachable(settings: ProfileSettings): Promise<void> {
    assertChannelsReachable(await this.deps.services.mfa.policy.read(), settings);
  }

  /**
   * The pushed profiles whose MFA channels share none with the server's (after the server's policy shrank):
   * their users get the server's channels, with MFA still enforced where it was (effectiveMfaPolicy).
   */
  async profilesWithoutServerChannels(): Promise<string[]> {
    const server = await this.deps.services.mfa.policy.read();
    return (await this.listProfiles())
      .filter((profile) => profile.pushed && channelMismatch(server, profile.pushed.settings))
      .map((profile) => profile.name);
  }

  listProfiles(): Promise<DeploymentProfile[]> {
    return this.deps.services.profiles.list();
  }

  /** Assigns the profile to a user, or to everyone with an address in a domain. A user's own beats a domain's. */
  async assignProfile(name: string, to: { user: string } | { domain: string }): Promise<DeploymentProfile> {
    const { profiles } = this.deps.services;
    const user = 'user' in to ? await this.requireUser(to.user) : undefined;
    const domain = 'domain' in to ? parseDomain(to.domain) : undefined;
    return this.atomically(async () => {
      if (user) await profiles.assignUser(name, user);
      else if (domain !== undefined) await profiles.assignDomain(name, domain);
      const profile = await profiles.require(name);
      await this.audit({
        type: 'admin.profile-assigned',
        userId: user?.id,
        details: { profile: profile.name, ...(domain === undefined ? {} : { domain }) },
      });
      return profile;
    });
  }

  /** Removes a user's or a domain's assignment. */
  async unassignProfile(from: { user: string } | { domain: string }): Promise<boolean> {
    const { profiles } = this.deps.services;
    const user = 'user' in from ? await this.requireUser(from.user) : undefined;
    const domain = 'domain' in from ? parseDomain(from.domain) : undefined;
    return this.atomically(async () => {
      const changed = await profiles.unassign(user ? { userId: user.id } : { domain: domain ?? '' });
      await this.audit({
        type: 'admin.profile-unassigned',
        userId: user?.id,
        details: { changed, ...(domain === undefined ? {} : { domain }) },
      });
      return changed;
    });
  }

  /**
   * "Push to deployed clients": every client of the profile's users applies the profile's settings at
   * its next start or silent sign-in. Returns the change and its reach (users, installations).
   */
  async pushProfile(name: string): Promise<ProfilePush> {
    return this.atomically(async () => {
      const push = await this.deps.services.profiles.push(name);
      // The server's policy may have changed since the draft was saved.
      await this.assertChannelsReachable(push.settings);
      // The reach and the names of what changed; values stay out (a license version is harmless, but a
      // future setting may not be).
      await this.audit({
        type: 'admin.profile-pushed',
        details: {
          profile: push.profile,
          version: push.version,
          settings: differingNames(push.previous ?? {}, push.settings),
          users: push.users,
          clients: push.clients,
        },
      });
      return push;
    });
  }

  /** Publishes a new license version; users see it at their next sign-in unless their profile pins another. */
  publishLicense(version: string, text: string): Promise<PublishedLicense> {
    return this.atomically(async () => {
      const published = await this.deps.services.licenses.publish(version, text);
      // The version is the admin's free text (1–64 characters): recorded only when it is a plain identifier.
      const plain = /^[A-Za-z0-9._:@-]{1,80}$/.test(published.version);
      await this.audit({
        type: 'admin.license-published',
        details: { ...(plain ? { version: published.version } : {}), characters: published.text.length },
      });
      return published;
    });
  }

  listLicenses(): Promise<{ version: string; publishedAt: Date }[]> {
    return this.deps.services.licenses.list();
  }

  private async requireDeployment(id: number): Promise<DeploymentStatus> {
    const status = Number.isSafeInteger(id) ? await this.deps.services.deploymentStore.find(id) : undefined;
    if (!status) throw new KeywayError('not_found', `No deployment has the id ${id}.`);
    return status;
  }

  /** A page of the audit log, newest first (server/audit/audit-log.ts). */
  auditEvents(query: AuditQuery): Promise<AuditPage> {
    return this.deps.services.audit.query(query);
  }

  /** The user id audit events name, for a login ID, e-mail address or alias (not_found otherwise). */
  async auditUserId(name: string): Promise<number> {
    return (await this.requireUser(name)).id;
  }

  auditRetentionDays(): Promise<number> {
    return this.deps.services.audit.retentionDays();
  }

  setAuditRetentionDays(days: number): Promise<void> {
    return this.deps.services.audit.setRetentionDays(days);
  }

  /** Retention now, rather than at the next hourly run; returns how many events went. */
  pruneAudit(): Promise<number> {
    return this.deps.services.audit.prune(this.actor);
  }

  /** The audit deliveries that failed every attempt (server/audit/outbox.ts). */
  auditDeadLetters(): Promise<DeadLetter[]> {
    return this.deps.services.auditDeadLetters.list();
  }

  /** Queues dead audit deliveries again (one event's, or all); returns how many. */
  retryAuditDeadLetters(eventId?: number): Promise<number> {
    // One transaction: the rows revived and the record of who revived them (an unknown id: neither).
    return this.atomically(async () => {
      const deliveries = await this.deps.services.auditDeadLetters.retry(eventId);
      await this.audit({
        type: 'admin.audit-dead-letters-retried',
        details: { ...(eventId === undefined ? {} : { event: eventId }), deliveries },
      });
      return deliveries;
    });
  }

  close(): void {
    this.deps.onClose?.();
  }

  /** Records what this admin did; call it inside the transaction that does it. */
  private audit(event: DistributiveOmit<AuditEventInput, 'actor'>): Promise<void> {
    return this.deps.services.audit.record({ ...event, actor: this.actor });
  }

  private atomically<T>(work: () => Promise<T>): Promise<T> {
    return this.deps.services.storage.transaction(work);
  }

  private async adminUser(record: UserRecord): Promise<AdminUser> {
    const effective = await this.deps.services.signInPolicy.kindForUser(record);
    const switched = new Set((await this.deps.services.domains.list()).map((entry) => entry.domain));
    const domain =
      record.signInMethod === 'oidc'
        ? undefined
        : namesOf(record)
            .map(domainOf)
            .find((each) => each !== undefined && switched.has(each));
    return {
      loginId: record.loginId,
      email: record.email,
      displayName: record.displayName,
      aliases: record.aliases,
      signInMethod: record.signInMethod,
      effectiveSignInMethod: effective,
      ...(domain === undefined ? {} : { signInDomain: domain }),
      ...(record.phone === undefined ? {} : { phone: record.phone }),
      ...(record.lock === undefined
        ? {}
        : {
            locked: { at: record.lock.at, ...(record.lock.reason === undefined ? {} : { reason: record.lock.reason }) },
          }),
    };
  }

  private async requireUser(name: string): Promise<UserRecord> {
    const record = await this.deps.services.users.findByName(name);
    if (!record) throw new KeywayError('not_found', `No user has the login ID, e-mail address or alias "${name}".`);
    return record;
  }

  private async deliver(message: Parameters<MailDelivery['send']>[0], done: string): Promise<MailReceipt> {
    try {
      return await this.deps.mail.send(message);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(
        `${done}, but the ${message.kind} e-mail could not be sent via ${this.deps.mail.description}: ${reason}`,
        {
          cause: error,
        },
      );
    }
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

function namesOf(user: UserRecord): string[] {
  return [user.loginId, user.email, ...user.aliases];
}

/** A profile setting's name as the audit log records it (flat: the two features are settings of their own). */
type SettingName = keyof ProfileChange;

/** The settings a profile holds (the features flattened). */
function settingNames(settings: ProfileSettings): SettingName[] {
  const values = flat(settings);
  return (Object.keys(values) as SettingName[]).filter((name) => values[name] !== undefined).sort();
}

/** The settings a change touches (set or cleared). */
function changedNames(change: ProfileChange): SettingName[] {
  return (Object.keys(change) as SettingName[]).filter((name) => change[name] !== undefined).sort();
}

/** The settings whose values differ between two versions of a profile. */
function differingNames(before: ProfileSettings, after: ProfileSettings): SettingName[] {
  const a = flat(before) as Record<string, unknown>;
  const b = flat(after) as Record<string, unknown>;
  return ([...new Set([...Object.keys(a), ...Object.keys(b)])] as SettingName[])
    .filter((name) => a[name] !== b[name])
    .sort();
}

function flat(settings: ProfileSettings): Partial<Record<SettingName, unknown>> {
  const { features, ...rest } = settings;
  return { ...rest, ...features };
}

function parseMethod(method: string): SignInMethodName {
  if (method === 'password' || method === 'oidc') return method;
  throw new KeywayError('invalid_input', `The sign-in method must be "oidc" or "password", not "${method}".`);
}

/**
 * What the audit log keeps of an identity provider: its id, kind, routed domains, and its name and issuer
 * (or IdP entity ID) when they are plain enough for the catalogue's patterns. Never the client secret
 * (not even on the IdentityProvider) nor the certificates.
 */
function idpAuditDetails(provider: IdentityProvider): {
  provider: string;
  kind: IdentityProvider['kind'];
  name?: string;
  issuer?: string;
  domains: string[];
} {
  const issuer = provider.kind === 'saml' ? provider.saml.idpEntityId : provider.oidc.issuer;
  return {
    provider: provider.id,
    kind: provider.kind,
    ...(ProviderName.safeParse(provider.displayName).success ? { name: provider.displayName } : {}),
    ...(ProviderLocation.safeParse(issuer).success ? { issuer } : {}),
    domains: [...provider.domains],
  };
}
