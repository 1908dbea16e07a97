/**
 * Why a brokered sign-in was refused. These codes stay on the server's pages (the browser shows them;
 * Keyway only ever sees the OpenID Provider's own answers), so they are not protocol ErrorCodes; the
 * page carries the code in `data-code` for tests and support, and the message says what to do.
 */
export type FederationFailure =
  | 'sso_provider_unknown'
  | 'sso_not_requested'
  | 'sso_replayed'
  | 'sso_attempt_expired'
  | 'sso_unavailable'
  | 'sso_rate_limited'
  | 'sso_no_account'
  | 'sso_link_conflict'
  | 'saml_unsigned'
  | 'saml_signature_invalid'
  | 'saml_audience_mismatch'
  | 'saml_recipient_mismatch'
  | 'saml_expired'
  | 'saml_issuer_mismatch'
  | 'saml_idp_error'
  | 'saml_malformed'
  | 'oidc_upstream_error'
  | 'oidc_upstream_issuer_mismatch'
  | 'oidc_upstream_exchange_failed';

/** The HTTP status of the page that explains each failure. */
export const FAILURE_STATUS: Record<FederationFailure, number> = {
  sso_provider_unknown: 404,
  sso_not_requested: 400,
  sso_replayed: 409,
  sso_attempt_expired: 410,
  sso_unavailable: 502,
  sso_rate_limited: 429,
  sso_no_account: 403,
  sso_link_conflict: 409,
  saml_unsigned: 400,
  saml_signature_invalid: 400,
  saml_audience_mismatch: 400,
  saml_recipient_mismatch: 400,
  saml_expired: 400,
  saml_issuer_mismatch: 400,
  saml_idp_error: 400,
  saml_malformed: 400,
  oidc_upstream_error: 400,
  oidc_upstream_issuer_mismatch: 400,
  oidc_upstream_exchange_failed: 400,
};

export class FederationError extends Error {
  override readonly name = 'FederationError';
  /** The OpenID Provider interaction the refused answer belonged to, when known: the way back. */
  interactionUid: string | undefined;
  constructor(
    readonly code: FederationFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
