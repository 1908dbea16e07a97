import { LoginId } from '../../protocol/api';
import { KeywayError } from '../../protocol/errors';
import { domainOf } from '../discovery/domain-name';
import { randomToken } from '../security/digest';
import type { Storage } from '../storage/storage';
import { hashPassword } from '../users/password-hash';
import type { UserRecord, UserStore } from '../users/user-store';
import type { UpstreamIdentity } from './attempts';
import { FederationError } from './federation-errors';
import type { IdentityProvider } from './provider-config';

/**
 * Whether an upstream e-mail address may pick a Keyway user. A provider whose domains the admin routed
 * to it speaks for addresses in those domains (that is what routing a domain there says). Beyond
 * them: an OpenID provider only when it marks the address `email_verified`; a SAML IdP (SAML has no
 * such flag) only when it has no routed domains at all, i.e. the admin trusts its directory wholesale.
 */
export function emailTrusted(provider: IdentityProvider, email: string, verified: boolean | undefined): boolean {
  const domain = domainOf(email);
  if (domain !== undefined && provider.domains.includes(domain)) return true;
  return provider.kind === 'oidc' ? verified === true : provider.domains.length === 0;
}

/**
 * Maps who the identity provider signed in to a Keyway user: first by the stored link (provider,
 * upstream issuer, subject), then by a trusted e-mail address (login ID, e-mail or alias of a user),
 * then, when the provider allows it, by creating the user. The link is written on the first match,
 * so later sign-ins follow the upstream subject even if the address changes. A user already linked
 * to another subject at the same provider is not taken over by a new one with their address (an
 * address reassigned upstream must not inherit an account).
 */
export class IdentityMapper {
  constructor(
    private readonly storage: Storage,
    private readonly clock: () => number,
    private readonly users: UserStore,
  ) {}

  async map(provider: IdentityProvider, identity: UpstreamIdentity): Promise<UserRecord> {
    const linked = await this.linkedUser(provider.id, identity);
    if (linked) return linked;
    const email = identity.emailTrusted ? identity.email : undefined;
    const existing = email === undefined ? undefined : await this.users.findByName(email);
    if (existing) return this.link(provider, identity, existing);
    if (email !== undefined && provider.jit && LoginId.safeParse(email).success) {
      let created: UserRecord;
      try {
        created = await this.createUser(identity, email);
      } catch (error) {
        // A parallel first sign-in of the same person created the account a moment ago.
        const raced = error instanceof KeywayError ? await this.users.findByName(email) : undefined;
        if (!raced) throw error;
        created = raced;
      }
      return this.link(provider, identity, created);
    }
    throw new FederationError('sso_no_account', noAccountMessage(provider, identity));
  }

  private async linkedUser(providerId: string, identity: UpstreamIdentity): Promise<UserRecord | undefined> {
    const q = this.storage.q();
    const row = await q
      .selectFrom('federated_identities')
      .select('user_id')
      .where('provider_id', '=', providerId)
      .where('issuer', '=', identity.issuer)
      .where('subject', '=', identity.subject)
      .executeTakeFirst();
    if (!row) return undefined;
    await q
      .updateTable('federated_identities')
      .set({ last_used_at: this.clock() })
      .where('provider_id', '=', providerId)
      .where('issuer', '=', identity.issuer)
      .where('subject', '=', identity.subject)
      .execute();
    return this.users.findById(row.user_id);
  }

  /**
   * Links the upstream account to `user` on its first sign-in, unless the user is linked to another
   * subject at this provider. The check and the insert are one transaction (SQLite: IMMEDIATE;
   * PostgreSQL: SERIALIZABLE — the check reads every link of (provider, user), so a concurrent first
   * sign-in of another subject with the same address conflicts with it and is retried, then refused):
   * two upstream accounts never both take over one Keyway user.
   */
  private async link(provider: IdentityProvider, identity: UpstreamIdentity, user: UserRecord): Promise<UserRecord> {
    await this.storage.transaction(async () => {
      const q = this.storage.q();
      const others = (
        await q
          .selectFrom('federated_identities')
          .select(['issuer', 'subject'])
          .where('provider_id', '=', provider.id)
          .where('user_id', '=', user.id)
          .execute()
      ).filter((other) => other.issuer !== identity.issuer || other.subject !== identity.subject);
      if (others.length > 0) {
        throw new FederationError(
          'sso_link_conflict',
          `The Keyway account for ${identity.email ?? user.loginId} is already linked to another account at ${provider.displayName}, so it was not signed in. Ask your IT department.`,
        );
      }
      const now = this.clock();
      await q
        .insertInto('federated_identities')
        .values({
          provider_id: provider.id,
          issuer: identity.issuer,
          subject: identity.subject,
          user_id: user.id,
          created_at: now,
          last_used_at: now,
        })
        .onConflict((conflict) => conflict.doNothing())
        .execute();
    });
    return user;
  }

  /**
   * Just-in-time provisioning: the login ID is the address, the password a random one nobody knows
   * (an admin's reset-password gives the user a real one), and the user signs in through unified
   * login, so the password API refuses them and discovery sends Keyway to the browser.
   */
  private async createUser(identity: UpstreamIdentity, email: string): Promise<UserRecord> {
    const passwordHash = await hashPassword(randomToken());
    const user = await this.users.create({
      loginId: email,
      email,
      displayName: identity.name ?? email,
      passwordHash,
      aliases: [],
    });
    await this.users.setSignInMethod(user.id, 'oidc');
    return (await this.users.findById(user.id)) ?? user;
  }
}

function noAccountMessage(provider: IdentityProvider, identity: UpstreamIdentity): string {
  const who = identity.email ?? identity.subject;
  if (identity.email !== undefined && !identity.emailTrusted) {
    return (
      `${provider.displayName} signed you in as ${who}, but it does not vouch for that address, so Keyway cannot ` +
      'tell which account is yours. Ask your IT department.'
    );
  }
  return `${provider.displayName} signed you in as ${who}, but this server has no Keyway account for you. Ask your IT department to create one.`;
}
