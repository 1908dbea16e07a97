import type { z } from 'zod';
import {
  API_PREFIX,
  DeploymentConfig,
  DiscoveryResponse,
  PROBLEM_CONTENT_TYPE,
  Problem,
  SessionTokens,
  type DiscoveryRequest,
  type RedeemRequest,
  type RevokeRequest,
} from '../../../protocol/api';
import { KeywayError } from '../../../protocol/errors';
import {
  AuthenticatorEnrollment,
  CodeSent,
  MfaOverview,
  DeviceNonce,
  PasskeyStep,
  PasswordSignInResponse,
  RecoveryCodes,
  TotpEnrollment,
  VerifiedSession,
  type MfaPasswordSignInRequest,
  type PasskeyCompleteRequest,
  type PasskeyManageStartRequest,
  type PasskeyStartRequest,
  type RecoverRequest,
  type SendCodeRequest,
  type VerifyRequest,
} from '../../../protocol/mfa';
import { ME_CONFIG_PATH, MeConfig } from '../../../protocol/me-config';
import { IssuedOtp, OtpOptions, type OtpIssueRequest } from '../../../protocol/otp';
import { PasswordResetRequested } from '../../../protocol/password-reset';
import { networkError } from '../net-error';
import type { Fetch } from '../ports';
import { messages, withRetryHint } from './messages';

const TIMEOUT_MS = 15_000;

/**
 * The client of a Keyway server's HTTP API. Every response is parsed with the protocol schema before
 * use; every failure becomes a KeywayError with a stable code and a message a person can act on.
 */
export class ServerApi {
  constructor(
    readonly origin: string,
    private readonly fetchImpl: Fetch,
    private readonly timeoutMs = TIMEOUT_MS,
  ) {}

  redeem(request: RedeemRequest): Promise<DeploymentConfig> {
    return this.call('POST', '/deployments/redeem', request, DeploymentConfig);
  }

  discover(request: DiscoveryRequest): Promise<DiscoveryResponse> {
    return this.call('POST', '/discovery', request, DiscoveryResponse);
  }

  /** SessionTokens, or MfaRequired when a second factor is needed. */
  signInWithPassword(request: MfaPasswordSignInRequest): Promise<PasswordSignInResponse> {
    return this.call('POST', '/sessions', request, PasswordSignInResponse);
  }

  deviceNonce(): Promise<DeviceNonce> {
    return this.call('POST', '/sessions/device-nonce', {}, DeviceNonce);
  }

  sendCode(request: SendCodeRequest): Promise<CodeSent> {
    return this.call('POST', '/mfa/send', request, CodeSent);
  }

  enroll(challengeId: string): Promise<TotpEnrollment> {
    return this.call('POST', '/mfa/enroll', { challengeId }, TotpEnrollment);
  }

  verify(request: VerifyRequest): Promise<VerifiedSession> {
    return this.call('POST', '/mfa/verify', request, VerifiedSession);
  }

  refresh(refreshToken: string): Promise<SessionTokens> {
    return this.call('POST', '/sessions/refresh', { refreshToken }, SessionTokens);
  }

  /**
   * `everywhere`: also sign the user out of every other session on this server ("forget this server").
   * `kind: 'oidc'`: the token is a refresh token of this server's own OpenID Provider.
   */
  async revoke(refreshToken: string, everywhere = false, kind?: 'oidc'): Promise<void> {
    const body: RevokeRequest = everywhere ? { refreshToken, everywhere: true, kind } : { refreshToken, kind };
    await this.call('POST', '/sessions/revoke', body, null);
  }

  mfaOverview(accessToken: string): Promise<MfaOverview> {
    return this.call('GET', '/me/mfa', undefined, MfaOverview, accessToken);
  }

  /** The passkey browser step for this MFA challenge: where to send the browser. */
  startPasskeyStep(request: PasskeyStartRequest): Promise<PasskeyStep> {
    return this.call('POST', '/mfa/passkey/start', request, PasskeyStep);
  }

  /** Trades the browser step's single-use result code for the session, exactly as /mfa/verify would. */
  completePasskeyStep(request: PasskeyCompleteRequest): Promise<VerifiedSession> {
    return this.call('POST', '/mfa/passkey/complete', request, VerifiedSession);
  }

  /** Re-authentication, then a single-use browser page that registers a passkey. */
  startPasskeyRegistration(accessToken: string, request: PasskeyManageStartRequest): Promise<PasskeyStep> {
    return this.call('POST', '/me/mfa/passkeys/start', request, PasskeyStep, accessToken);
  }

  async removePasskey(accessToken: string, id: string, password: string): Promise<void> {
    await this.call('POST', `/me/mfa/passkeys/${encodeURIComponent(id)}/remove`, { password }, null, accessToken);
  }

  addAuthenticator(accessToken: string, password: string): Promise<AuthenticatorEnrollment> {
    return this.call('POST', '/me/mfa/authenticators', { password }, AuthenticatorEnrollment, accessToken);
  }

  /**
   * 204, or 200 with the new recovery codes when this was the user's first second factor: the codes
   * are returned (once) instead of dropped.
   */
  async confirmAuthenticator(
    accessToken: string,
    request: { enrollmentId: string; code: string; name: string },
  ): Promise<RecoveryCodes | null> {
    const answer = await this.call(
      'POST',
      '/me/mfa/authenticators/confirm',
      request,
      RecoveryCodes.optional(),
      accessToken,
    );
    return answer ?? null;
  }

  /** A recovery code instead of the second factor: the session, and how many codes are left. */
  recover(request: RecoverRequest): Promise<VerifiedSession> {
    return this.call('POST', '/mfa/recover', request, VerifiedSession);
  }

  /** "Get new codes" (re-authentication): a new set; the old one stops working. */
  regenerateRecoveryCodes(accessToken: string, password: string): Promise<RecoveryCodes> {
    return this.call('POST', '/me/mfa/recovery-codes', { password }, RecoveryCodes, accessToken);
  }

  async removeAuthenticator(accessToken: string, id: string, password: string): Promise<void> {
    await this.call('POST', `/me/mfa/authenticators/${encodeURIComponent(id)}/remove`, { password }, null, accessToken);
  }

  async removeTrustedDevice(accessToken: string, deviceId: string): Promise<void> {
    await this.call('POST', `/me/mfa/devices/${encodeURIComponent(deviceId)}/remove`, {}, null, accessToken);
  }

  /** Forgot password: the server e-mails a reset link when the account exists (the answer is the same). */
  requestPasswordReset(loginId: string): Promise<PasswordResetRequested> {
    return this.call('POST', '/password-reset', { loginId }, PasswordResetRequested);
  }

  /** The user's license and pushed profile settings, for a unified-login session (its provider access token). */
  meConfig(accessToken: string): Promise<MeConfig> {
    return this.call('GET', ME_CONFIG_PATH, undefined, MeConfig, accessToken);
  }

  otpOptions(accessToken: string): Promise<OtpOptions> {
    return this.call('GET', '/me/otp', undefined, OtpOptions, accessToken);
  }

  /** A one-time password for other services, after the password or an authenticator code. */
  issueOtp(accessToken: string, proof: OtpIssueRequest): Promise<IssuedOtp> {
    return this.call('POST', '/me/otp', proof, IssuedOtp, accessToken);
  }

  private async call<T>(
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    schema: z.ZodType<T> | null,
    bearer?: string,
  ): Promise<T> {
    const headers: Record<string, string> = { accept: `application/json, ${PROBLEM_CONTENT_TYPE}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (bearer) headers.authorization = `Bearer ${bearer}`;
    let response: Response;
    try {
      response = await this.fetchImpl(`${this.origin}${API_PREFIX}${path}`, {
        method,
        headers,
        body: body === undefined ? null : JSON.stringify(body),
        redirect: 'error',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw networkError(error, new URL(this.origin).host);
    }
    const payload = await readJson(response);
    if (!response.ok) throw problemError(response, payload);
    if (schema === null) return undefined as T;
    const parsed = schema.safeParse(payload);
    if (!parsed.success) throw new KeywayError('server_bad_response', messages.server_bad_response ?? 'Bad answer.');
    return parsed.data;
  }
}

async function readJson(response: Response): Promise<unknown> {
  if (response.status === 204) return undefined;
  try {
    return await response.json();
  } catch {
    return undefined;
  }
}

function problemError(response: Response, payload: unknown): KeywayError {
  const problem = Problem.safeParse(payload);
  if (!problem.success) {
    return new KeywayError('server_bad_response', `${messages.server_bad_response ?? ''} (HTTP ${response.status})`);
  }
  const headerRetry = Number(response.headers.get('retry-after'));
  const retryAfter =
    problem.data.retryAfter ?? (Number.isFinite(headerRetry) && headerRetry > 0 ? headerRetry : undefined);
  const message = withRetryHint(messages[problem.data.code] ?? problem.data.detail, retryAfter);
  return new KeywayError(problem.data.code, message, {
    cause: problem.data,
    ...(retryAfter === undefined ? {} : { retryAfter }),
  });
}
