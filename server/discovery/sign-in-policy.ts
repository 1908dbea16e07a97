import { sql } from 'kysely';
import { KEYWAY_OIDC_CLIENT_ID, type SignInMethod } from '../../protocol/api';
import type { ServerIdentity } from '../identity';
import { oidcIssuer } from '../oidc/issuer';
import type { Storage } from '../storage/storage';
import { identifierKey } from '../users/identifiers';
import type { UserRecord } from '../users/user-store';
import { domainOf } from './domain-name';

export type SignInKind = SignInMethod['method'];

interface Row {
  user_oidc: number;
  domain_oidc: number;
}

/**
 * Decides how a name signs in: unified login (OIDC) when the user is switched to it, or when the
 * domain of any of their names (or, for a name no one has, the typed name's domain) is switched or
 * routed to an enterprise identity provider (server/federation); otherwise a
 * password. A known password user and an unknown name get the same answer from the same single
 * statement, so neither the answer nor the work done tells whether an account exists.
 *
 * A pushed deployment profile whose sign-in method is `oidc` moves its users to unified login too
 * (asked with one more statement, the same for every name: deployment-profiles.ts pushedSettingsForName).
 * Unified login wins whichever source asks for it: a profile's `password` does not take back a user's or
 * a domain's switch, which are the more specific decisions (and a federated user may have no password).
 */
export class SignInPolicy {
  constructor(
    private readonly storage: Storage,
    private readonly identity: ServerIdentity,
    /** The sign-in method of the pushed deployment profile in force for a name, if it sets one. */
    private readonly profileMethod: (name: string) => Promise<SignInKind | undefined> = () =>
      Promise.resolve(undefined),
  ) {}

  /** How whoever types `name` signs in, whether or not an account has that name. */
  kindForName(name: string): Promise<SignInKind> {
    return this.kindFor(name, () => this.profileMethod(name));
  }

  /**
   * How this user signs in. `profile`, when given, is the user's pushed deployment profile the caller
   * already read (a password sign-in reads it once for every decision, sessions/session-service.ts), so
   * its sign-in method is not asked again; without it, it is asked by name as for any name.
   */
  kindForUser(user: UserRecord, profile?: { signInMethod: SignInKind | undefined }): Promise<SignInKind> {
    // The login ID is one of the user's names, so this covers the domains of all of them.
    return profile === undefined
      ? this.kindForName(user.loginId)
      : this.kindFor(user.loginId, () => Promise.resolve(profile.signInMethod));
  }

  private async kindFor(name: string, profileMethod: () => Promise<SignInKind | undefined>): Promise<SignInKind> {
    const key = identifierKey(name);
    const domain = domainOf(name) ?? null;
    // Raw SQL: one statement for every name (see the class comment), which the query builder cannot say
    // as briefly. Dialect-neutral: rtrim(text, characters), substr, length, replace and LIKE mean the
    // same on SQLite and PostgreSQL; CASE turns each EXISTS into 0/1 on both (PostgreSQL's EXISTS is a
    // boolean, SQLite's an integer). The domain of each of the user's names is the text after its last
    // "@": rtrim strips every character but "@" from the end, so its length is the position of that "@".
    const { rows } = await sql<Row>`
      SELECT
        CASE WHEN EXISTS (
          SELECT 1 FROM user_identifiers i JOIN users u ON u.id = i.user_id
          WHERE i.identifier = ${key} AND u.sign_in_method = 'oidc'
        ) THEN 1 ELSE 0 END AS user_oidc,
        CASE WHEN EXISTS (
          SELECT 1 FROM (
            SELECT domain FROM sign_in_domains
            -- A domain routed to an enterprise identity provider signs in through the provider too.
            UNION ALL SELECT domain FROM identity_provider_domains
          ) d
          WHERE d.domain = ${domain} OR d.domain IN (
            SELECT substr(o.identifier, length(rtrim(o.identifier, replace(o.identifier, '@', ''))) + 1)
            FROM user_identifiers i JOIN user_identifiers o ON o.user_id = i.user_id
            WHERE i.identifier = ${key} AND o.identifier LIKE '%@%'
          )
        ) THEN 1 ELSE 0 END AS domain_oidc`.execute(this.storage.q());
    const row = rows[0];
    // Asked for every name, whatever the first statement found, so the work stays the same.
    const profile = await profileMethod();
    return (row && (row.user_oidc === 1 || row.domain_oidc === 1)) || profile === 'oidc' ? 'oidc' : 'password';
  }

  async methodForName(name: string): Promise<SignInMethod> {
    return this.method(await this.kindForName(name));
  }

  async methodForUser(user: UserRecord): Promise<SignInMethod> {
    return this.method(await this.kindForUser(user));
  }

  private method(kind: SignInKind): SignInMethod {
    return kind === 'password'
      ? { method: 'password' }
      : { method: 'oidc', issuer: oidcIssuer(this.identity.origin), clientId: KEYWAY_OIDC_CLIENT_ID };
  }
}
