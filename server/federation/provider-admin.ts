import { z } from 'zod';
import { KeywayError } from '../../protocol/errors';
import { parseDomain } from '../discovery/domain-name';
import type { Federation, ProviderEndpoints } from './federation';
import { parseIdpMetadata } from './idp-metadata';
import { OidcSettings, parseSetting, ProviderId, SamlSettings, type IdentityProvider } from './provider-config';

/** What every provider has, as the admin gives it. */
export interface ProviderInput {
  id: string;
  displayName: string;
  /** Create users on their first sign-in (default off). */
  jit?: boolean | undefined;
  /** Show the password form beside this provider's button (default on). */
  passwordBeside?: boolean | undefined;
  /** E-mail domains routed straight to this provider. */
  domains?: readonly string[] | undefined;
  /** Change the provider with this id instead of refusing (its users' links stay). */
  replace?: boolean | undefined;
}

export interface SamlProviderInput extends ProviderInput {
  /** The IdP's metadata document; or give ssoUrl, idpEntityId and idpCertificates. */
  metadataXml?: string | undefined;
  ssoUrl?: string | undefined;
  idpEntityId?: string | undefined;
  /** PEM (or bare base64) certificates. */
  idpCertificates?: readonly string[] | undefined;
  spEntityId?: string | undefined;
  emailAttribute?: string | undefined;
  nameAttribute?: string | undefined;
}

export interface OidcProviderInput extends ProviderInput {
  issuer: string;
  clientId: string;
  /** Required for a new provider; on replace, absent keeps the stored one. */
  clientSecret?: string | undefined;
  tokenEndpointAuthMethod?: string | undefined;
}

/** A provider as the admin sees it: never its client secret. */
export interface ProviderSummary {
  id: string;
  displayName: string;
  kind: IdentityProvider['kind'];
  jit: boolean;
  passwordBeside: boolean;
  domains: string[];
  /** The IdP's SSO URL or the upstream issuer. */
  location: string;
  /** What to register at the IdP; undefined until the server's public origin is known. */
  endpoints: ProviderEndpoints | undefined;
  created?: boolean;
}

/** Routed domains per provider: as many as the audit event records. */
const MAX_DOMAINS = 100;

const DisplayName = z.string().trim().min(1, 'must not be empty').max(100);

/**
 * Where the admin's changes are recorded (AdminService: the audit log). Each change and its record run in
 * one `atomically` call, so a provider is never added or removed without its audit event.
 */
export interface ProviderJournal {
  atomically<T>(work: () => Promise<T>): Promise<T>;
  added(provider: IdentityProvider, created: boolean): Promise<void>;
  removed(provider: IdentityProvider): Promise<void>;
}

/** No journal: nothing recorded (stores' own tests). */
const UNRECORDED: ProviderJournal = {
  atomically: (work) => work(),
  added: () => Promise.resolve(),
  removed: () => Promise.resolve(),
};

/** The admin's side of federation: add, replace, list and remove identity providers. */
export class ProviderAdmin {
  constructor(
    private readonly federation: Federation,
    private readonly origin: () => string,
    private readonly journal: ProviderJournal = UNRECORDED,
  ) {}

  async addSaml(input: SamlProviderInput): Promise<ProviderSummary> {
    const common = this.common(input);
    const fromMetadata = input.metadataXml === undefined ? undefined : await parseIdpMetadata(input.metadataXml);
    const saml = parseSetting(
      SamlSettings,
      {
        ssoUrl: input.ssoUrl ?? fromMetadata?.ssoUrl,
        idpEntityId: input.idpEntityId ?? fromMetadata?.entityId,
        idpCertificates: input.idpCertificates ?? fromMetadata?.certificates,
        ...(input.spEntityId === undefined ? {} : { spEntityId: input.spEntityId }),
        ...(input.emailAttribute === undefined ? {} : { emailAttribute: input.emailAttribute }),
        ...(input.nameAttribute === undefined ? {} : { nameAttribute: input.nameAttribute }),
      },
      'SAML setting',
    );
    const provider: IdentityProvider = { ...common, kind: 'saml', saml };
    return this.save(provider, undefined, input.replace === true);
  }

  async addOidc(input: OidcProviderInput): Promise<ProviderSummary> {
    const common = this.common(input);
    const oidc = parseSetting(
      OidcSettings,
      {
        issuer: input.issuer,
        clientId: input.clientId,
        tokenEndpointAuthMethod: input.tokenEndpointAuthMethod ?? 'client_secret_basic',
      },
      'OpenID Connect setting',
    );
    const secret = input.clientSecret;
    if (secret !== undefined && (secret.trim() === '' || secret.length > 4096)) {
      throw new KeywayError('invalid_input', 'The client secret must not be empty.', {
        detail: { field: 'idp-client-secret', reason: secret.trim() === '' ? 'required' : 'too-long' },
      });
    }
    const provider: IdentityProvider = { ...common, kind: 'oidc', oidc };
    return this.save(provider, secret, input.replace === true);
  }

  private async save(
    provider: IdentityProvider,
    secret: string | undefined,
    replace: boolean,
  ): Promise<ProviderSummary> {
    const created = await this.journal.atomically(async () => {
      const saved = await this.federation.providers.save(provider, secret, replace);
      await this.journal.added(provider, saved.created);
      return saved.created;
    });
    return { ...this.summary(provider), created };
  }

  async list(): Promise<ProviderSummary[]> {
    return (await this.federation.providers.list()).map((provider) => this.summary(provider));
  }

  async find(id: string): Promise<ProviderSummary | undefined> {
    const provider = await this.federation.providers.find(id);
    return provider && this.summary(provider);
  }

  /** Removes the provider, its routed domains and its users' links (the users stay). */
  async remove(id: string): Promise<void> {
    const removed = await this.journal.atomically(async () => {
      const provider = await this.federation.providers.find(id);
      if (!provider || !(await this.federation.providers.remove(id))) return false;
      await this.journal.removed(provider);
      return true;
    });
    if (!removed) throw new KeywayError('not_found', `There is no identity provider "${id}".`);
  }

  private common(input: ProviderInput): Omit<IdentityProvider, 'kind' | 'saml' | 'oidc'> {
    // The audit event lists them all (events.ts admin.idp-added allows as many).
    if ((input.domains ?? []).length > MAX_DOMAINS) {
      throw new KeywayError(
        'invalid_input',
        `The domains are too many: at most ${MAX_DOMAINS} may be routed to one provider.`,
        { detail: { field: 'idp-domains', reason: 'too-many' } },
      );
    }
    return {
      id: parseSetting(ProviderId, input.id, 'provider id', 'idp-id'),
      displayName: parseSetting(DisplayName, input.displayName, 'display name', 'idp-name'),
      jit: input.jit ?? false,
      passwordBeside: input.passwordBeside ?? true,
      domains: [...new Set((input.domains ?? []).map((domain) => parseDomain(domain, 'idp-domains')))],
    };
  }

  private summary(provider: IdentityProvider): ProviderSummary {
    return {
      id: provider.id,
      displayName: provider.displayName,
      kind: provider.kind,
      jit: provider.jit,
      passwordBeside: provider.passwordBeside,
      domains: provider.domains,
      location: provider.kind === 'saml' ? provider.saml.ssoUrl : provider.oidc.issuer,
      endpoints: this.origin() === '' ? undefined : this.federation.endpoints(provider),
    };
  }
}
