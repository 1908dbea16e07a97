import { KEYWAY_OIDC_CLIENT_ID } from '../../protocol/api';

/**
 * When the provider may hand an existing browser session to an authorization request.
 *
 * RFC 8252 §8.6: a native app's redirect (a loopback port, a private-use scheme) can be claimed by any
 * program on the computer, so the server cannot know which app asks; it "SHOULD NOT process
 * authorization requests automatically without user consent or interaction, except when the identity
 * of the client can be assured", and repeated requests "could be made by a malicious app". Keyway's
 * client is public and native (`keyway-desktop`, no secret, any loopback port), so its identity can
 * never be assured: while a provider session exists, every request for it needs a person's click.
 * The design asks for none on a first sign-in (there is no session then: the password page is the
 * interaction) and a silent start uses the refresh token, not the browser; so the one extra click is
 * "Continue as Ana" when Keyway signs in again in a browser that is still signed in. A request whose
 * login_hint does not name the session's account is never given that session, not even by a click:
 * the sign-in form asks for the hinted account's credentials (on a shared computer, "sign in as B"
 * never returns A).
 */
export const REUSE_REASONS = {
  /** login_hint names another account (or none known) than the one signed in: sign in again. */
  otherAccount: 'login_hint_other_account',
  /** The public native client may only reuse the session after the person confirms the account. */
  confirm: 'native_client_confirmation',
} as const;

export interface ReuseInput {
  clientId: string | undefined;
  /** The account of the provider's browser session, if any. */
  sessionAccountId: string | undefined;
  /** The authorization request's login_hint, trimmed; undefined when absent or empty. */
  loginHint: string | undefined;
  /** The account the login_hint names (login ID, e-mail or alias), if any. */
  hintAccountId: string | undefined;
  /** True when this very request has just been through a sign-in or confirmation (an interaction result). */
  interactedNow: boolean;
}

/** Which of REUSE_REASONS stop the session from being reused for this request (empty: it may be). */
export function reuseRefusals(input: ReuseInput): string[] {
  if (input.sessionAccountId === undefined || input.interactedNow) return [];
  const refusals: string[] = [];
  if (input.loginHint !== undefined && input.hintAccountId !== input.sessionAccountId) {
    refusals.push(REUSE_REASONS.otherAccount);
  }
  if (input.clientId === KEYWAY_OIDC_CLIENT_ID) refusals.push(REUSE_REASONS.confirm);
  return refusals;
}

/** True when the only thing missing is the person's confirmation of the signed-in account. */
export function onlyConfirmationMissing(reasons: readonly string[]): boolean {
  return reasons.length > 0 && reasons.every((reason) => reason === REUSE_REASONS.confirm);
}
