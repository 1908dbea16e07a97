import { SAML, SamlStatusError, ValidateInResponseTo, type CacheProvider, type Profile } from '@node-saml/node-saml';
import { ATTEMPT_TTL_MS, type Attempt, type UpstreamIdentity } from './attempts';
import { FederationError } from './federation-errors';
import { emailTrusted } from './identity-mapping';
import type { IdentityProvider, SamlSettings } from './provider-config';
import type { SeenAssertions } from './seen-assertions';
import type { SpKeys } from './sp-keys';
import { attribute, children, descendants, parseXml, type XmlNode } from './xml-tree';

type SamlProvider = Extract<IdentityProvider, { kind: 'saml' }>;

/** Where an IdP reaches Keyway's service provider for this provider. */
export interface SamlEndpoints {
  metadataUrl: string;
  acsUrl: string;
  spEntityId: string;
}

export function samlEndpoints(origin: string, provider: SamlProvider): SamlEndpoints {
  const base = `${origin}/sso/saml/${encodeURIComponent(provider.id)}`;
  const metadataUrl = `${base}/metadata`;
  return { metadataUrl, acsUrl: `${base}/acs`, spEntityId: provider.saml.spEntityId ?? metadataUrl };
}

const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';
const EMAIL_NAME_ID = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';
/** Allowed drift between this server's clock and the IdP's, for NotBefore / NotOnOrAfter. */
const CLOCK_SKEW_MS = 60_000;

/** The attribute names IdPs use for the e-mail address and the display name, in the order tried. */
const EMAIL_ATTRIBUTES = [
  'email',
  'mail',
  'emailAddress',
  'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress',
  'urn:oid:0.9.2342.19200300.100.1.3',
];
const NAME_ATTRIBUTES = [
  'displayName',
  'http://schemas.microsoft.com/identity/claims/displayname',
  'urn:oid:2.16.840.1.113730.3.1.241',
  'name',
  'cn',
];
const GIVEN_NAME_ATTRIBUTES = [
  'givenName',
  'firstName',
  'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname',
];
const SURNAME_ATTRIBUTES = [
  'sn',
  'surname',
  'lastName',
  'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname',
];

/**
 * Keyway's SAML 2.0 service provider, on @node-saml/node-saml: a signed AuthnRequest over the
 * HTTP-Redirect binding, and the HTTP-POST answer checked for a signature by the IdP's certificate
 * over exactly the assertion that is read (node-saml reads only the signed bytes, and refuses a
 * response with more than one assertion, which defeats signature wrapping), audience, validity
 * window, and InResponseTo the request of this very attempt. On top of the library: the assertion's
 * Issuer must be the configured IdP, a bearer confirmation must name this ACS as its Recipient, the
 * response's Destination (when present) must be this ACS, and an assertion ID is accepted only once.
 */
export class SamlBroker {
  constructor(
    private readonly seen: SeenAssertions,
    private readonly clock: () => number,
    private readonly keys: () => Promise<SpKeys>,
  ) {}

  /** The IdP's sign-in URL carrying a signed AuthnRequest with this ID and RelayState. */
  async authorizeUrl(origin: string, provider: SamlProvider, requestId: string, relayState: string): Promise<string> {
    return (await this.saml(origin, provider, { requestId })).getAuthorizeUrlAsync(relayState, undefined, {});
  }

  /** The SP metadata an admin imports into the IdP (entity ID, ACS, signing certificate). */
  async metadata(origin: string, provider: SamlProvider): Promise<string> {
    const { certificate } = await this.keys();
    return (await this.saml(origin, provider, {})).generateServiceProviderMetadata(null, certificate);
  }

  /** Checks an answer posted to the ACS for `attempt`; returns who signed in, or throws FederationError. */
  async verify(
    origin: string,
    provider: SamlProvider,
    attempt: Attempt,
    samlResponse: string,
  ): Promise<UpstreamIdentity> {
    const { acsUrl } = samlEndpoints(origin, provider);
    const xml = Buffer.from(samlResponse, 'base64').toString('utf8');
    let response: XmlNode;
    try {
      const root = await parseXml(xml);
      if (root.name !== 'Response') throw new Error(`a ${root.name}, not a Response`);
      response = root.node;
    } catch (error) {
      throw new FederationError('saml_malformed', 'The identity provider’s answer is not a SAML response.', {
        cause: error,
      });
    }
    const destination = attribute(response, 'Destination');
    if (destination !== undefined && destination !== acsUrl) {
      throw new FederationError(
        'saml_recipient_mismatch',
        `The answer is addressed to ${destination}, not to this server (${acsUrl}), so it was refused.`,
      );
    }
    const succeeded = children(children(response, 'Status')[0], 'StatusCode')[0];
    if (descendants(response, 'Signature').length === 0 && attribute(succeeded, 'Value')?.endsWith(':Success')) {
      throw new FederationError(
        'saml_unsigned',
        'The identity provider’s answer is not signed, so it was refused. Ask IT to have the IdP sign its SAML responses or assertions.',
      );
    }

    let profile: Profile | null;
    try {
      ({ profile } = await (
        await this.saml(origin, provider, { expected: attempt })
      ).validatePostResponseAsync({
        SAMLResponse: samlResponse,
      }));
    } catch (error) {
      throw refusal(error);
    }
    if (!profile) throw new FederationError('saml_malformed', 'The identity provider’s answer signed nobody in.');

    // From here on only the signed assertion is read (node-saml hands back its verified bytes).
    const assertion = signedAssertion(profile);
    if (profile.issuer !== provider.saml.idpEntityId) {
      throw new FederationError(
        'saml_issuer_mismatch',
        `The answer was issued by "${profile.issuer}", not by the configured identity provider "${provider.saml.idpEntityId}".`,
      );
    }
    const recipients = children(children(assertion, 'Subject')[0], 'SubjectConfirmation')
      .filter((confirmation) => attribute(confirmation, 'Method') === BEARER)
      .map((confirmation) => attribute(children(confirmation, 'SubjectConfirmationData')[0], 'Recipient'));
    if (!recipients.includes(acsUrl)) {
      throw new FederationError(
        'saml_recipient_mismatch',
        `The assertion is meant for ${recipients.filter(Boolean).join(', ') || 'no stated recipient'}, not for this server (${acsUrl}), so it was refused.`,
      );
    }
    await this.acceptOnce(provider.id, assertion);

    const nameId = typeof profile.nameID === 'string' ? profile.nameID.trim() : '';
    if (nameId === '') throw new FederationError('saml_malformed', 'The assertion names no subject (NameID).');
    const attributes = isRecord(profile.attributes) ? profile.attributes : {};
    const email =
      firstValue(attributes, provider.saml.emailAttribute ? [provider.saml.emailAttribute] : EMAIL_ATTRIBUTES) ??
      (profile.nameIDFormat === EMAIL_NAME_ID ? nameId : undefined);
    const name = displayName(attributes, provider.saml);
    return {
      issuer: profile.issuer,
      subject: nameId,
      ...(email === undefined ? {} : { email }),
      // SAML has no "verified" flag: the IdP's directory vouches for addresses in its own domains.
      emailTrusted: email !== undefined && emailTrusted(provider, email, undefined),
      ...(name === undefined ? {} : { name }),
    };
  }

  /** Records the assertion's ID until it would have expired anyway; a second use is a replay. */
  private async acceptOnce(providerId: string, assertion: XmlNode): Promise<void> {
    const id = attribute(assertion, 'ID');
    if (id === undefined || id === '') throw new FederationError('saml_malformed', 'The assertion has no ID.');
    const now = this.clock();
    const notOnOrAfter = Date.parse(attribute(children(assertion, 'Conditions')[0], 'NotOnOrAfter') ?? '');
    const expiresAt = Math.max(Number.isFinite(notOnOrAfter) ? notOnOrAfter + CLOCK_SKEW_MS : 0, now + ATTEMPT_TTL_MS);
    const inserted = await this.seen.acceptOnce(providerId, id, expiresAt);
    if (!inserted) {
      throw new FederationError(
        'sso_replayed',
        'This answer from the identity provider has been used before, so it was refused. Start signing in again.',
      );
    }
  }

  private async saml(
    origin: string,
    provider: SamlProvider,
    options: { requestId?: string; expected?: Attempt },
  ): Promise<SAML> {
    const { acsUrl, spEntityId } = samlEndpoints(origin, provider);
    const keys = await this.keys();
    return new SAML({
      callbackUrl: acsUrl,
      entryPoint: provider.saml.ssoUrl,
      issuer: spEntityId,
      audience: spEntityId,
      idpCert: provider.saml.idpCertificates,
      privateKey: keys.privateKey,
      publicCert: keys.certificate,
      signatureAlgorithm: 'sha256',
      digestAlgorithm: 'sha256',
      // Let the IdP pick its NameID format; ask for no particular way of signing in (an exact
      // "password" context would fail users who sign in with MFA, passkeys or Windows at the IdP).
      identifierFormat: null,
      disableRequestedAuthnContext: true,
      // Either a signed Response (covering its one assertion) or a signed Assertion is enough.
      wantAssertionsSigned: false,
      wantAuthnResponseSigned: false,
      acceptedClockSkewMs: CLOCK_SKEW_MS,
      validateInResponseTo: ValidateInResponseTo.always,
      requestIdExpirationPeriodMs: ATTEMPT_TTL_MS,
      cacheProvider: onlyRequest(options.expected?.requestId),
      ...(options.requestId === undefined ? {} : { generateUniqueId: () => options.requestId ?? '' }),
    });
  }
}

/**
 * node-saml's request cache, reduced to the one request this answer must be InResponseTo: the
 * attempt (looked up by RelayState) already holds its ID and enforces its expiry on our clock, so
 * the library is told the request is fresh and its own timer never disagrees with ours.
 */
function onlyRequest(requestId: string | undefined): CacheProvider {
  return {
    saveAsync: (_key, value) => Promise.resolve({ value, createdAt: Date.now() }),
    getAsync: (key) => Promise.resolve(requestId !== undefined && key === requestId ? new Date().toISOString() : null),
    removeAsync: () => Promise.resolve(null),
  };
}

/** node-saml's reasons (plain Error messages) as a failure a person can act on. */
function refusal(error: unknown): FederationError {
  if (error instanceof FederationError) return error;
  if (error instanceof SamlStatusError) {
    return new FederationError('saml_idp_error', `The identity provider did not sign you in (${error.message}).`, {
      cause: error,
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  if (/InResponseTo/i.test(message)) {
    return new FederationError(
      'sso_not_requested',
      'This answer does not belong to the sign-in Keyway started here, so it was refused. Start signing in again.',
      { cause: error },
    );
  }
  if (/audience|AudienceRestriction/i.test(message)) {
    return new FederationError(
      'saml_audience_mismatch',
      'The assertion was made for another service (its audience is not this server), so it was refused. Check the entity ID registered at the IdP.',
      { cause: error },
    );
  }
  if (/expired|not yet valid|subject confirmation/i.test(message)) {
    return new FederationError(
      'saml_expired',
      'The assertion has expired or is not valid yet, so it was refused. Try again; if it keeps happening, the clocks of this server and the IdP disagree.',
      { cause: error },
    );
  }
  if (/signature|signed|multiple assertions|refer/i.test(message)) {
    return new FederationError(
      'saml_signature_invalid',
      'The identity provider’s signature does not cover this answer, or was not made with its configured certificate, so it was refused.',
      { cause: error },
    );
  }
  return new FederationError('saml_malformed', 'The identity provider’s answer could not be read.', { cause: error });
}

function signedAssertion(profile: Profile): XmlNode {
  const parsed = profile.getAssertion?.();
  const assertion = isRecord(parsed) ? parsed.Assertion : undefined;
  if (!isRecord(assertion)) throw new FederationError('saml_malformed', 'The answer carries no assertion.');
  return assertion as XmlNode;
}

function firstValue(attributes: Record<string, unknown>, names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = attributes[name];
    const first = Array.isArray(value) ? (value as unknown[])[0] : value;
    if (typeof first === 'string' && first.trim() !== '') return first.trim();
  }
  return undefined;
}

function displayName(attributes: Record<string, unknown>, settings: SamlSettings): string | undefined {
  if (settings.nameAttribute !== undefined) return firstValue(attributes, [settings.nameAttribute]);
  const whole = firstValue(attributes, NAME_ATTRIBUTES);
  if (whole !== undefined) return whole;
  const parts = [firstValue(attributes, GIVEN_NAME_ATTRIBUTES), firstValue(attributes, SURNAME_ATTRIBUTES)];
  const joined = parts.filter((part) => part !== undefined).join(' ');
  return joined === '' ? undefined : joined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
