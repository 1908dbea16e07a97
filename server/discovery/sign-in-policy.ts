import { KEYWAY_OIDC_CLIENT_ID, type SignInMethod } from '../../protocol/api';
import type { ServerIdentity } from '../identity';
import { oidcIssuer } from '../oidc/issuer';
import type { Db } from '../storage/database';
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
 */
export class SignInPolicy {
  private readonly lookup;

  constructor(
    db: Db,
    private readonly identity: ServerIdentity,
  ) {
    // The domain of each of the user's names is the text after its last "@": rtrim strips every
    // character but "@" from the end, so its length is the position of the last "@".
    this.lookup = db.prepare<[{ key: string; domain: string | null }], Row>(
      `SELECT
         EXISTS (
           SELECT 1 FROM user_identifiers i JOIN users u ON u.id = i.user_id
           WHERE i.identifier = @key AND u.sign_in_method = 'oidc'
         ) AS user_oidc,
         EXISTS (
           SELECT 1 FROM (
             SELECT domain FROM sign_in_domains
             -- A domain routed to an enterprise identity provider signs in through the provider too.
             UNION ALL SELECT domain FROM identity_provider_domains
           ) d
           WHERE d.domain = @domain OR d.domain IN (
             SELECT substr(o.identifier, length(rtrim(o.identifier, replace(o.identifier, '@', ''))) + 1)
             FROM user_identifiers i JOIN user_identifiers o ON o.user_id = i.user_id
             WHERE i.identifier = @key AND instr(o.identifier, '@') > 0
           )
         ) AS domain_oidc`,
    );
  }

  /** How whoever types `name` signs in, whether or not an account has that name. */
  kindForName(name: string): SignInKind {
    const row = this.lookup.get({ key: identifierKey(name), domain: domainOf(name) ?? null });
    return row && (row.user_oidc === 1 || row.domain_oidc === 1) ? 'oidc' : 'password';
  }

  kindForUser(user: UserRecord): SignInKind {
    // The login ID is one of the user's names, so this covers the domains of all of them.
    return this.kindForName(user.loginId);
  }

  methodForName(name: string): SignInMethod {
    return this.method(this.kindForName(name));
  }

  methodForUser(user: UserRecord): SignInMethod {
    return this.method(this.kindForUser(user));
  }

  private method(kind: SignInKind): SignInMethod {
    return kind === 'password'
      ? { method: 'password' }
      : { method: 'oidc', issuer: oidcIssuer(this.identity.origin), clientId: KEYWAY_OIDC_CLIENT_ID };
  }
}
