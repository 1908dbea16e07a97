import { KeywayError } from '../../protocol/errors';
import { attribute, children, descendants, parseXml, text, type XmlNode } from './xml-tree';

const HTTP_REDIRECT_BINDING = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';

/** What Keyway needs from an IdP's SAML metadata. */
export interface IdpMetadata {
  entityId: string;
  ssoUrl: string;
  /** Base64 DER of each signing certificate. */
  certificates: string[];
}

/**
 * Reads an IdP's metadata document (Entra ID's "Federation Metadata XML", Okta's "Identity Provider
 * metadata", Keycloak's descriptor, AD FS's FederationMetadata.xml). The admin downloaded it from
 * their own IdP, so its signature is not checked; a DOCTYPE is refused outright (no entities).
 */
export async function parseIdpMetadata(xml: string): Promise<IdpMetadata> {
  let root: { name: string; node: XmlNode };
  try {
    root = await parseXml(xml);
  } catch (error) {
    throw invalid(error instanceof Error ? error.message.replace(/\.$/, '') : 'it is not well-formed XML');
  }
  const candidates = root.name === 'EntityDescriptor' ? [root.node] : descendants(root.node, 'EntityDescriptor');
  const entities = candidates.filter((entity) => children(entity, 'IDPSSODescriptor').length > 0);
  const entity = entities[0];
  if (entity === undefined || entities.length > 1) {
    throw invalid(
      entity === undefined ? 'it describes no identity provider' : 'it describes several identity providers',
    );
  }
  const entityId = attribute(entity, 'entityID') ?? '';
  if (entityId === '') throw invalid('its EntityDescriptor has no entityID');
  const descriptor = children(entity, 'IDPSSODescriptor')[0];
  const ssoUrl = children(descriptor, 'SingleSignOnService').find(
    (service) => attribute(service, 'Binding') === HTTP_REDIRECT_BINDING,
  );
  const location = attribute(ssoUrl, 'Location') ?? '';
  if (location === '') throw invalid('it has no SingleSignOnService for the HTTP-Redirect binding');
  const certificates = children(descriptor, 'KeyDescriptor')
    .filter((key) => {
      const use = attribute(key, 'use');
      return use === undefined || use === '' || use === 'signing';
    })
    .flatMap((key) => descendants(key, 'X509Certificate'))
    .map((node) => (text(node) ?? '').replace(/\s+/g, ''))
    .filter((body) => body !== '');
  if (certificates.length === 0) throw invalid('it has no signing certificate');
  return { entityId, ssoUrl: location, certificates: [...new Set(certificates)] };
}

function invalid(reason: string): KeywayError {
  return new KeywayError('invalid_input', `The IdP metadata cannot be used: ${reason}.`, {
    detail: { field: 'idp-metadata', reason: 'unusable-metadata' },
  });
}
