import { KeywayError } from '../../protocol/errors';
import type { SecretBox } from '../mfa/secret-box';
import type { Db } from '../storage/database';
import { OidcSettings, SamlSettings, type IdentityProvider } from './provider-config';

interface ProviderRow {
  id: string;
  display_name: string;
  kind: string;
  config: string;
  sealed_secret: string | null;
  jit: number;
  password_beside: number;
  updated_at: number;
}

/** The secret-box context of a provider's client secret: a sealed secret cannot be moved to another. */
const secretContext = (id: string): string => `identity-provider-client-secret:${id}`;

/**
 * The identity providers an admin configured, with their routed domains. Each read validates the
 * stored settings again, so a hand-edited row fails loudly instead of half-working. The OIDC client
 * secret is sealed (AES-256-GCM under the data dir's key file) and only opened to call the provider.
 */
export class ProviderStore {
  constructor(
    private readonly db: Db,
    private readonly clock: () => number,
    private readonly box: SecretBox,
  ) {}

  list(): IdentityProvider[] {
    return this.db
      .prepare<[], ProviderRow>('SELECT * FROM identity_providers ORDER BY id')
      .all()
      .map((row) => this.provider(row));
  }

  find(id: string): IdentityProvider | undefined {
    const row = this.db.prepare<[string], ProviderRow>('SELECT * FROM identity_providers WHERE id = ?').get(id);
    return row && this.provider(row);
  }

  /** The provider a case-folded e-mail domain is routed to. */
  forDomain(domain: string): IdentityProvider | undefined {
    const row = this.db
      .prepare<[string], ProviderRow>(
        `SELECT p.* FROM identity_providers p JOIN identity_provider_domains d ON d.provider_id = p.id
         WHERE d.domain = ?`,
      )
      .get(domain);
    return row && this.provider(row);
  }

  /**
   * Adds the provider, or with `replace` updates the one with its id (its links to users stay). An
   * OIDC provider needs a client secret when it is new; on replace, none keeps the stored one.
   */
  save(provider: IdentityProvider, clientSecret: string | undefined, replace: boolean): { created: boolean } {
    return this.db
      .transaction(() => {
        const existing = this.db
          .prepare<[string], ProviderRow>('SELECT * FROM identity_providers WHERE id = ?')
          .get(provider.id);
        if (existing && !replace) {
          throw new KeywayError(
            'invalid_input',
            `An identity provider with the id "${provider.id}" exists already (add --replace to change it).`,
          );
        }
        if (existing && existing.kind !== provider.kind) {
          throw new KeywayError(
            'invalid_input',
            `"${provider.id}" is a ${existing.kind.toUpperCase()} provider; remove it first to make it ${provider.kind.toUpperCase()}.`,
          );
        }
        for (const domain of provider.domains) {
          const owner = this.db
            .prepare<[string], { provider_id: string }>(
              'SELECT provider_id FROM identity_provider_domains WHERE domain = ?',
            )
            .get(domain)?.provider_id;
          if (owner !== undefined && owner !== provider.id) {
            throw new KeywayError('invalid_input', `The domain ${domain} is routed to "${owner}" already.`);
          }
        }
        let sealed: string | null = null;
        if (provider.kind === 'oidc') {
          if (clientSecret !== undefined) sealed = this.box.seal(clientSecret, secretContext(provider.id));
          else if (existing?.sealed_secret) sealed = existing.sealed_secret;
          else throw new KeywayError('invalid_input', 'An OpenID Connect provider needs its client secret.');
        }
        const settings = provider.kind === 'saml' ? provider.saml : provider.oidc;
        const now = this.clock();
        this.db
          .prepare<[string, string, string, string, string | null, number, number, number, number]>(
            `INSERT INTO identity_providers
               (id, display_name, kind, config, sealed_secret, jit, password_beside, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (id) DO UPDATE SET display_name = excluded.display_name, config = excluded.config,
               sealed_secret = excluded.sealed_secret, jit = excluded.jit,
               password_beside = excluded.password_beside, updated_at = excluded.updated_at`,
          )
          .run(
            provider.id,
            provider.displayName,
            provider.kind,
            JSON.stringify(settings),
            sealed,
            provider.jit ? 1 : 0,
            provider.passwordBeside ? 1 : 0,
            now,
            // Strictly increasing, so a cached upstream configuration is dropped even within one millisecond.
            Math.max(now, (existing?.updated_at ?? 0) + 1),
          );
        this.db.prepare<[string]>('DELETE FROM identity_provider_domains WHERE provider_id = ?').run(provider.id);
        const insert = this.db.prepare<[string, string]>(
          'INSERT INTO identity_provider_domains (domain, provider_id) VALUES (?, ?)',
        );
        for (const domain of new Set(provider.domains)) insert.run(domain, provider.id);
        return { created: existing === undefined };
      })
      .immediate();
  }

  /** Removes the provider with its domains, links and unfinished sign-ins; false when there was none. */
  remove(id: string): boolean {
    return this.db.prepare<[string]>('DELETE FROM identity_providers WHERE id = ?').run(id).changes === 1;
  }

  /** The OIDC provider's client secret, opened for a call to its token endpoint. */
  clientSecret(id: string): string {
    const row = this.db
      .prepare<[string], { sealed_secret: string | null }>('SELECT sealed_secret FROM identity_providers WHERE id = ?')
      .get(id);
    if (!row?.sealed_secret) throw new Error(`The identity provider "${id}" has no client secret stored.`);
    return this.box.open(row.sealed_secret, secretContext(id));
  }

  /** When the provider last changed (milliseconds), to know when a cached configuration is stale. */
  version(id: string): number | undefined {
    return this.db
      .prepare<[string], { updated_at: number }>('SELECT updated_at FROM identity_providers WHERE id = ?')
      .get(id)?.updated_at;
  }

  private provider(row: ProviderRow): IdentityProvider {
    const domains = this.db
      .prepare<[string], { domain: string }>(
        'SELECT domain FROM identity_provider_domains WHERE provider_id = ? ORDER BY domain',
      )
      .all(row.id)
      .map((each) => each.domain);
    const common = {
      id: row.id,
      displayName: row.display_name,
      jit: row.jit === 1,
      passwordBeside: row.password_beside === 1,
      domains,
    };
    const config: unknown = JSON.parse(row.config);
    if (row.kind === 'saml') return { ...common, kind: 'saml', saml: SamlSettings.parse(config) };
    if (row.kind === 'oidc') return { ...common, kind: 'oidc', oidc: OidcSettings.parse(config) };
    throw new Error(`The identity provider "${row.id}" has an unknown kind "${row.kind}".`);
  }
}
