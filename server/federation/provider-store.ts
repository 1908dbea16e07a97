import type { Selectable } from 'kysely';
import { KeywayError } from '../../protocol/errors';
import type { SecretBox } from '../mfa/secret-box';
import type { IdentityProvidersTable } from '../storage/schema';
import type { Storage } from '../storage/storage';
import { OidcSettings, SamlSettings, type IdentityProvider } from './provider-config';

type ProviderRow = Selectable<IdentityProvidersTable>;

/** The secret-box context of a provider's client secret: a sealed secret cannot be moved to another. */
const secretContext = (id: string): string => `identity-provider-client-secret:${id}`;

/**
 * The identity providers an admin configured, with their routed domains. Each read validates the
 * stored settings again, so a hand-edited row fails loudly instead of half-working. The OIDC client
 * secret is sealed (AES-256-GCM under the data dir's key file) and only opened to call the provider.
 */
export class ProviderStore {
  constructor(
    private readonly storage: Storage,
    private readonly clock: () => number,
    private readonly box: SecretBox,
  ) {}

  async list(): Promise<IdentityProvider[]> {
    const rows = await this.storage.q().selectFrom('identity_providers').selectAll().orderBy('id').execute();
    return Promise.all(rows.map((row) => this.provider(row)));
  }

  async find(id: string): Promise<IdentityProvider | undefined> {
    const row = await this.storage
      .q()
      .selectFrom('identity_providers')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row && this.provider(row);
  }

  /** The provider a case-folded e-mail domain is routed to. */
  async forDomain(domain: string): Promise<IdentityProvider | undefined> {
    const row = await this.storage
      .q()
      .selectFrom('identity_providers as p')
      .innerJoin('identity_provider_domains as d', 'd.provider_id', 'p.id')
      .selectAll('p')
      .where('d.domain', '=', domain)
      .executeTakeFirst();
    return row && this.provider(row);
  }

  /**
   * Adds the provider, or with `replace` updates the one with its id (its links to users stay). An
   * OIDC provider needs a client secret when it is new; on replace, none keeps the stored one.
   * One transaction, so the checks (id free, domains not routed elsewhere) hold for what is written:
   * SQLite: IMMEDIATE; PostgreSQL: SERIALIZABLE, two admins routing one domain at once cannot both pass.
   */
  save(provider: IdentityProvider, clientSecret: string | undefined, replace: boolean): Promise<{ created: boolean }> {
    return this.storage.transaction(async () => {
      const q = this.storage.q();
      const existing = await q
        .selectFrom('identity_providers')
        .selectAll()
        .where('id', '=', provider.id)
        .executeTakeFirst();
      if (existing && !replace) {
        throw new KeywayError(
          'invalid_input',
          `An identity provider with the id "${provider.id}" exists already (add --replace to change it).`,
          { detail: { field: 'idp-id', reason: 'taken' } },
        );
      }
      if (existing && existing.kind !== provider.kind) {
        throw new KeywayError(
          'invalid_input',
          `"${provider.id}" is a ${existing.kind.toUpperCase()} provider; remove it first to make it ${provider.kind.toUpperCase()}.`,
          { detail: { field: 'idp-id', reason: 'other-kind' } },
        );
      }
      for (const domain of provider.domains) {
        const owner = (
          await q
            .selectFrom('identity_provider_domains')
            .select('provider_id')
            .where('domain', '=', domain)
            .executeTakeFirst()
        )?.provider_id;
        if (owner !== undefined && owner !== provider.id) {
          throw new KeywayError('invalid_input', `The domain ${domain} is routed to "${owner}" already.`, {
            detail: { field: 'idp-domains', reason: 'routed-elsewhere' },
          });
        }
      }
      let sealed: string | null = null;
      if (provider.kind === 'oidc') {
        if (clientSecret !== undefined) sealed = this.box.seal(clientSecret, secretContext(provider.id));
        else if (existing?.sealed_secret) sealed = existing.sealed_secret;
        else {
          throw new KeywayError('invalid_input', 'An OpenID Connect provider needs its client secret.', {
            detail: { field: 'idp-client-secret', reason: 'required' },
          });
        }
      }
      const settings = provider.kind === 'saml' ? provider.saml : provider.oidc;
      const now = this.clock();
      const changed = {
        display_name: provider.displayName,
        config: JSON.stringify(settings),
        sealed_secret: sealed,
        jit: provider.jit ? (1 as const) : (0 as const),
        password_beside: provider.passwordBeside ? (1 as const) : (0 as const),
        // Strictly increasing, so a cached upstream configuration is dropped even within one millisecond.
        updated_at: Math.max(now, (existing?.updated_at ?? 0) + 1),
      };
      await q
        .insertInto('identity_providers')
        .values({ id: provider.id, kind: provider.kind, created_at: now, ...changed })
        .onConflict((conflict) => conflict.column('id').doUpdateSet(changed))
        .execute();
      await q.deleteFrom('identity_provider_domains').where('provider_id', '=', provider.id).execute();
      const domains = [...new Set(provider.domains)];
      if (domains.length > 0) {
        await q
          .insertInto('identity_provider_domains')
          .values(domains.map((domain) => ({ domain, provider_id: provider.id })))
          .execute();
      }
      return { created: existing === undefined };
    });
  }

  /** Removes the provider with its domains, links and unfinished sign-ins; false when there was none. */
  async remove(id: string): Promise<boolean> {
    const result = await this.storage.q().deleteFrom('identity_providers').where('id', '=', id).executeTakeFirst();
    return result.numDeletedRows === 1n;
  }

  /** The OIDC provider's client secret, opened for a call to its token endpoint. */
  async clientSecret(id: string): Promise<string> {
    const row = await this.storage
      .q()
      .selectFrom('identity_providers')
      .select('sealed_secret')
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row?.sealed_secret) throw new Error(`The identity provider "${id}" has no client secret stored.`);
    return this.box.open(row.sealed_secret, secretContext(id));
  }

  /** When the provider last changed (milliseconds), to know when a cached configuration is stale. */
  async version(id: string): Promise<number | undefined> {
    const row = await this.storage
      .q()
      .selectFrom('identity_providers')
      .select('updated_at')
      .where('id', '=', id)
      .executeTakeFirst();
    return row?.updated_at;
  }

  private async provider(row: ProviderRow): Promise<IdentityProvider> {
    const domains = (
      await this.storage
        .q()
        .selectFrom('identity_provider_domains')
        .select('domain')
        .where('provider_id', '=', row.id)
        .orderBy('domain')
        .execute()
    ).map((each) => each.domain);
    const common = {
      id: row.id,
      displayName: row.display_name,
      jit: row.jit === 1,
      passwordBeside: row.password_beside === 1,
      domains,
    };
    const config: unknown = JSON.parse(row.config);
    // Read back as stored; `kind` is typed 'saml' | 'oidc' but a hand-edited row may hold anything.
    const kind: string = row.kind;
    if (kind === 'saml') return { ...common, kind: 'saml', saml: SamlSettings.parse(config) };
    if (kind === 'oidc') return { ...common, kind: 'oidc', oidc: OidcSettings.parse(config) };
    throw new Error(`The identity provider "${row.id}" has an unknown kind "${kind}".`);
  }
}
