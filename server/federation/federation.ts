import type { AuditLog } from '../audit/audit-log';
import { isLockedByAdmin } from '../users/user-lock';
import { randomBytes } from 'node:crypto';
import { domainOf } from '../discovery/domain-name';
import type { ServerIdentity } from '../identity';
import type { SecretBox } from '../mfa/secret-box';
import type { Storage } from '../storage/storage';
import type { UserRecord, UserStore } from '../users/user-store';
import { AttemptStore, type Attempt } from './attempts';
import { FederationError } from './federation-errors';
import { IdentityMapper } from './identity-mapping';
import { OidcBroker, oidcRedirectUri } from './oidc-broker';
import type { IdentityProvider } from './provider-config';
import { ProviderStore } from './provider-store';
import { SamlBroker, samlEndpoints } from './saml-broker';
import { SeenAssertions } from './seen-assertions';
import { loadSpKeys, type SpKeys } from './sp-keys';

/** A verified answer waiting for its browser: the interaction to finish and the ticket that finishes it. */
export interface BrokeredAnswer {
  interactionUid: string;
  ticket: string;
}

/** What an admin registers at the identity provider. */
export type ProviderEndpoints =
  { kind: 'saml'; metadataUrl: string; acsUrl: string; spEntityId: string } | { kind: 'oidc'; redirectUri: string };

/**
 * Enterprise single sign-on, brokered by the OpenID Provider: Keyway keeps speaking OIDC to /oidc,
 * and its sign-in page sends the browser on to a SAML IdP or an upstream OpenID provider. This is the
 * part without HTTP: providers, the attempts bound to interactions, checking answers, and mapping
 * the upstream account to a Keyway user. The pages and endpoints are in server/oidc.
 */
export class Federation {
  readonly providers: ProviderStore;
  private readonly attempts: AttemptStore;
  private readonly mapper: IdentityMapper;
  private readonly saml: SamlBroker;
  private readonly oidc: OidcBroker;
  private spKeys: Promise<SpKeys> | undefined;

  constructor(
    storage: Storage,
    clock: () => number,
    box: SecretBox,
    users: UserStore,
    private readonly identity: ServerIdentity,
    private readonly audit?: AuditLog,
  ) {
    this.providers = new ProviderStore(storage, clock, box);
    this.attempts = new AttemptStore(storage, clock);
    this.mapper = new IdentityMapper(storage, clock, users);
    // The RSA key is made on first use: servers without SAML providers never spend the time.
    this.saml = new SamlBroker(
      new SeenAssertions(storage, clock),
      clock,
      () => (this.spKeys ??= loadSpKeys(storage, box, clock)),
    );
    this.oidc = new OidcBroker(
      (id) => this.providers.clientSecret(id),
      (id) => this.providers.version(id),
    );
  }

  /** The provider a sign-in name's domain is routed to (home-realm discovery), if any. */
  async routedProvider(name: string | undefined): Promise<IdentityProvider | undefined> {
    const domain = name === undefined ? undefined : domainOf(name);
    return domain === undefined ? undefined : this.providers.forDomain(domain);
  }

  /**
   * Whether the sign-in page offers the password form to these names (what was typed, or a user's
   * names): a routed domain follows its provider's setting; otherwise the form shows unless every
   * configured provider hides it (an "enterprise sign-in only" server).
   */
  async passwordOffered(names: readonly string[]): Promise<boolean> {
    const routed = (await Promise.all(names.map((name) => this.routedProvider(name)))).filter(
      (each) => each !== undefined,
    );
    if (routed.length > 0) return routed.every((provider) => provider.passwordBeside);
    const all = await this.providers.list();
    return all.length === 0 || all.some((provider) => provider.passwordBeside);
  }

  endpoints(provider: IdentityProvider): ProviderEndpoints {
    const origin = this.identity.origin;
    if (provider.kind === 'oidc') return { kind: 'oidc', redirectUri: oidcRedirectUri(origin, provider) };
    return { kind: 'saml', ...samlEndpoints(origin, provider) };
  }

  spMetadata(provider: IdentityProvider & { kind: 'saml' }): Promise<string> {
    return this.saml.metadata(this.identity.origin, provider);
  }

  /** Starts a brokered sign-in for the interaction; returns where to send the browser. */
  async begin(provider: IdentityProvider, interactionUid: string, loginHint: string | undefined): Promise<string> {
    const origin = this.identity.origin;
    if (provider.kind === 'saml') {
      // An xsd:ID must not start with a digit; 160 random bits name the request.
      const requestId = `_${randomBytes(20).toString('hex')}`;
      const { state } = await this.attempts.start({ providerId: provider.id, interactionUid, requestId });
      return this.saml.authorizeUrl(origin, provider, requestId, state);
    }
    const prepared = await this.oidc.prepare(origin, provider, loginHint);
    const { state } = await this.attempts.start({
      providerId: provider.id,
      interactionUid,
      nonce: prepared.nonce,
      codeVerifier: prepared.codeVerifier,
    });
    return prepared.urlFor(state);
  }

  /** Checks a SAML answer posted to the ACS. Throws FederationError, with the interaction when known. */
  async acceptSaml(
    providerId: string,
    form: { SAMLResponse?: unknown; RelayState?: unknown },
  ): Promise<BrokeredAnswer> {
    const provider = await this.provider(providerId, 'saml');
    const relayState = typeof form.RelayState === 'string' ? form.RelayState : '';
    const response = typeof form.SAMLResponse === 'string' ? form.SAMLResponse : '';
    if (response === '') throw new FederationError('saml_malformed', 'The request carries no SAML response.');
    const attempt = await this.take(providerId, relayState);
    try {
      const identity = await this.saml.verify(this.identity.origin, provider, attempt, response);
      return { interactionUid: attempt.interactionUid, ticket: await this.attempts.succeed(attempt, identity) };
    } catch (error) {
      throw withInteraction(error, attempt.interactionUid);
    }
  }

  /** Checks an upstream OIDC callback (the public URL it arrived at). Throws FederationError. */
  async acceptOidc(providerId: string, callbackUrl: URL): Promise<BrokeredAnswer> {
    const provider = await this.provider(providerId, 'oidc');
    const state = callbackUrl.searchParams.get('state') ?? '';
    const attempt = await this.take(providerId, state);
    try {
      const identity = await this.oidc.verify(provider, attempt, state, callbackUrl);
      return { interactionUid: attempt.interactionUid, ticket: await this.attempts.succeed(attempt, identity) };
    } catch (error) {
      throw withInteraction(error, attempt.interactionUid);
    }
  }

  /** In the browser that holds the interaction: redeems the ticket and maps the account to a user. */
  async complete(interactionUid: string, ticket: string): Promise<{ user: UserRecord; provider: IdentityProvider }> {
    const answer = await this.attempts.finish(interactionUid, ticket);
    if (!answer) {
      throw new FederationError(
        'sso_not_requested',
        'This sign-in was finished already, or belongs to another browser. Start signing in again.',
      );
    }
    const provider = await this.provider(answer.providerId);
    let user: UserRecord;
    try {
      user = await this.mapper.map(provider, answer.identity);
    } catch (error) {
      throw withInteraction(error, interactionUid);
    }
    // An admin's lock (users/user-lock.ts) outweighs the upstream's word: the caller refuses the sign-in,
    // so the audit log records a failure with the lock as its reason, never a success.
    await this.audit?.record(
      isLockedByAdmin(user)
        ? {
            type: 'sign-in.failed',
            actor: { kind: 'anonymous' },
            userId: user.id,
            reason: 'account_locked_by_admin',
            details: { method: 'sso' },
          }
        : {
            type: 'sign-in.succeeded',
            actor: { kind: 'user', userId: user.id },
            details: { method: 'sso', provider: provider.id },
          },
    );
    return { user, provider };
  }

  /** Whether the interaction's first factor was a brokered sign-in (for the amr of its MFA step). */
  brokered(interactionUid: string): Promise<boolean> {
    return this.attempts.finishedIn(interactionUid);
  }

  private async take(providerId: string, state: string): Promise<Attempt> {
    const attempt = state === '' ? 'unknown' : await this.attempts.take(providerId, state);
    if (attempt === 'used') {
      throw withInteraction(
        new FederationError(
          'sso_replayed',
          'This answer from the identity provider has been used before, so it was refused. Start signing in again.',
        ),
        await this.attempts.interactionOf(providerId, state),
      );
    }
    if (attempt === 'expired') {
      throw withInteraction(
        new FederationError('sso_attempt_expired', 'This sign-in took too long and has expired. Start again.'),
        await this.attempts.interactionOf(providerId, state),
      );
    }
    if (attempt === 'unknown') {
      throw new FederationError(
        'sso_not_requested',
        'Keyway did not start this sign-in (it is unknown here, or was started at the identity provider). Start signing in from Keyway.',
      );
    }
    return attempt;
  }

  private provider(id: string): Promise<IdentityProvider>;
  private provider<K extends IdentityProvider['kind']>(
    id: string,
    kind: K,
  ): Promise<Extract<IdentityProvider, { kind: K }>>;
  private async provider(id: string, kind?: IdentityProvider['kind']): Promise<IdentityProvider> {
    const provider = await this.providers.find(id);
    if (!provider || (kind !== undefined && provider.kind !== kind)) {
      throw new FederationError('sso_provider_unknown', `This server has no identity provider "${id}".`);
    }
    return provider;
  }
}

/** Attaches the interaction to a refusal, so its page can offer the way back to that sign-in. */
function withInteraction(error: unknown, interactionUid: string | undefined): unknown {
  if (error instanceof FederationError && interactionUid !== undefined) error.interactionUid ??= interactionUid;
  return error;
}
