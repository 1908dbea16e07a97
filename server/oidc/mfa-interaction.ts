import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Interaction } from 'oidc-provider';
import { KeywayError } from '../../protocol/errors';
import { MfaChannel } from '../../protocol/mfa';
import { statusOf } from '../http/problem';
import type { Limiter } from '../http/rate-limiter';
import { qrSvg } from '../landing/qr';
import type { LiveChallenge } from '../mfa/challenges';
import { DEFAULT_CODE_TIMINGS } from '../mfa/codes';
import { groupSecret } from '../mfa/totp';
import {
  offersRecovery,
  proofChannel,
  typedRecoveryCode,
  webStepSituation,
  webStepView,
  webStepWays,
  type WebStepView,
  type WebStepWay,
} from '../mfa/web-step';
import {
  cancelUrl,
  finishLogin,
  interaction,
  interactionPath,
  isRecord,
  refuseForm,
  sendPage,
  showSignIn,
  textOf,
  type InteractionDeps,
  type UidRoute,
} from './interaction-kit';
import { OIDC_MOUNT_PATH } from './issuer';
import { sendPasskeyPage } from '../mfa/passkeys-page';
import {
  mfaChoicePage,
  mfaCodePage,
  mfaEnrollPage,
  mfaPasskeyPage,
  mfaRecoveryCodesPage,
  mfaRecoveryPage,
  mfaUnavailablePage,
  passwordlessPage,
} from './mfa-pages';

/** What the second step shows: the choice of ways, a code field for one channel, or enrolment. */
type View = WebStepView;
type Way = WebStepWay;

interface PageState {
  status?: number;
  /** Words already in the page's language, or a service's refusal (worded per language when shown). */
  error?: string | KeywayError | undefined;
}

/**
 * The second step inside a provider interaction, after a correct password (interactions.ts). The
 * challenge is bound to the interaction uid, so only the browser holding the interaction cookie can
 * use it; every form carries the interaction's CSRF token. Only a verified code finishes the login.
 */
export function registerMfaInteractionRoutes(scope: FastifyInstance, deps: InteractionDeps, perSource: Limiter): void {
  const base = `${OIDC_MOUNT_PATH}/interaction/:uid/mfa`;

  // Picking a way: "enroll", "totp", or a channel whose code is sent now. Resend posts the same.
  const choose = async (request: FastifyRequest<UidRoute>, reply: FastifyReply): Promise<FastifyReply> => {
    const form = await checkedForm(deps, request, reply);
    if (!form) return reply;
    const { details, live, fields } = form;
    const way = fields.channel === 'enroll' ? 'enroll' : MfaChannel.safeParse(fields.channel).data;
    if (way === undefined || !(await webStepWays(deps.mfa, live, true)).includes(way)) {
      return render(
        deps,
        reply,
        details,
        live,
        { kind: 'choose' },
        { status: 400, error: textOf(reply, details).t('chooseOneWay') },
      );
    }
    try {
      await perSource(request);
    } catch (error) {
      return renderError(deps, reply, details, live, { kind: 'choose' }, error);
    }
    return take(deps, reply, details, live, way);
  };
  registerPasswordlessRoutes(scope, deps, perSource);
  scope.post<UidRoute>(`${base}/channel`, choose);
  scope.post<UidRoute>(`${base}/send`, choose);

  scope.post<UidRoute>(`${base}/verify`, async (request, reply) => {
    const form = await checkedForm(deps, request, reply);
    if (!form) return reply;
    const { details, live, fields } = form;
    const parsed = MfaChannel.safeParse(fields.channel).data ?? 'totp';
    if (parsed === 'passkey') {
      const error = textOf(reply, details).t('useYourPasskeyError');
      return render(deps, reply, details, live, { kind: 'passkey' }, { status: 400, error });
    }
    const channel = parsed;
    // A code that only proves it is the user before they set up an authenticator app (see take()).
    const proving = fields.purpose === 'enroll' && channel !== 'totp';
    const view: View = proving
      ? { kind: 'code', channel, purpose: 'enroll' }
      : await webStepView(deps.mfa, live, channel, true);
    const code = typeof fields.code === 'string' ? fields.code.replace(/\s/g, '') : '';
    if (!/^\d{6}$/.test(code)) {
      const error = textOf(reply, details).t('enterSixDigits');
      return render(deps, reply, details, live, view, { status: 400, error });
    }
    if (proving) {
      try {
        await perSource(request);
        const proven = await deps.mfa.secondStep.prove({ interactionUid: details.uid }, channel, code);
        return await render(deps, reply, details, proven, { kind: 'enroll' }, {});
      } catch (error) {
        return renderError(deps, reply, details, live, view, error);
      }
    }
    let verified: LiveChallenge;
    try {
      await perSource(request);
      verified = await deps.mfa.secondStep.verify({ interactionUid: details.uid }, channel, code, (done) => done);
    } catch (error) {
      return renderError(deps, reply, details, live, view, error);
    }
    const second = ['mfa', channel === 'sms' ? 'sms' : 'otp'];
    const amr = (await deps.federation.brokered(details.uid)) ? second : ['pwd', ...second];
    const codes = verified.recoveryCodes;
    // The first second factor: its recovery codes, once, before the sign-in goes on.
    const interstitial = codes
      ? (continueUrl: string) =>
          mfaRecoveryCodesPage({ text: textOf(reply, details), serverName: deps.serverName(), codes, continueUrl })
      : undefined;
    return finishLogin(deps, request, reply, details, String(verified.user.id), amr, interstitial);
  });

  // A recovery code instead of the second factor (server/mfa/recovery-codes.ts).
  scope.post<UidRoute>(`${base}/recover`, async (request, reply) => {
    const form = await checkedForm(deps, request, reply);
    if (!form) return reply;
    const { details, live, fields } = form;
    const view: View = { kind: 'recover' };
    const typed = typedRecoveryCode(fields.recoveryCode);
    if (typed === undefined) {
      return render(deps, reply, details, live, view, {
        status: 400,
        error: textOf(reply, details).t('enterRecoveryCode'),
      });
    }
    let verified: LiveChallenge;
    try {
      await perSource(request);
      verified = await deps.mfa.secondStep.recover({ interactionUid: details.uid }, typed, (done) => done);
    } catch (error) {
      return renderError(deps, reply, details, live, view, error);
    }
    // RFC 8176 has no value for a recovery code: a second factor ("mfa") after the password.
    const amr = (await deps.federation.brokered(details.uid)) ? ['mfa'] : ['pwd', 'mfa'];
    return finishLogin(deps, request, reply, details, String(verified.user.id), amr);
  });

  // A passkey as the second factor: the answer of the page's WebAuthn ceremony, bound to this interaction.
  scope.post<UidRoute>(`${base}/passkey`, async (request, reply) => {
    const form = await checkedForm(deps, request, reply);
    if (!form) return reply;
    const { details, live, fields } = form;
    let verified: LiveChallenge;
    try {
      await perSource(request);
      verified = await deps.mfa.passkeys.verifySecondFactor(
        { interactionUid: details.uid },
        fields.response,
        passkeyBinding(details.uid),
      );
    } catch (error) {
      return renderError(deps, reply, details, live, { kind: 'passkey' }, error);
    }
    // RFC 8176: "hwk" proof of possession of a hardware-secured key (a passkey's private key).
    const second = ['mfa', 'hwk'];
    const amr = (await deps.federation.brokered(details.uid)) ? second : ['pwd', ...second];
    return finishLogin(deps, request, reply, details, String(verified.user.id), amr);
  });
}

/**
 * "Sign in with a passkey" on the sign-in page (passwordless, issue 17): for unified-login users
 * (sign-in method oidc) while the policy allows passkeys. The passkey is discoverable and must verify
 * the user (PIN or biometrics), so it stands for both factors; the ceremony is bound to the interaction.
 */
function registerPasswordlessRoutes(scope: FastifyInstance, deps: InteractionDeps, perSource: Limiter): void {
  const base = `${OIDC_MOUNT_PATH}/interaction/:uid/passkey`;
  const show = async (reply: FastifyReply, details: Interaction, state: PageState): Promise<FastifyReply> => {
    const uid = details.uid;
    const text = textOf(reply, details);
    const html = passwordlessPage({
      text,
      serverName: deps.serverName(),
      csrfToken: deps.csrf.tokenFor(uid),
      cancelUrl: cancelUrl(deps, uid),
      error: typeof state.error === 'object' ? text.error(state.error) : state.error,
      options: await deps.mfa.passkeys.webauthn.authenticationOptions(
        undefined,
        'passwordless',
        passwordlessBinding(uid),
      ),
      action: `${interactionPath(uid)}/passkey`,
      passwordUrl: interactionPath(uid),
    });
    return sendPasskeyPage(reply, state.status ?? 200, html);
  };

  scope.get<UidRoute>(base, async (request, reply) => {
    const details = await interaction(deps, request, reply);
    if (!details) return reply;
    if (!(await deps.mfa.policy.read()).channels.includes('passkey')) return showSignIn(deps, reply, details, {});
    return show(reply, details, {});
  });

  scope.post<UidRoute>(base, async (request, reply) => {
    const details = await interaction(deps, request, reply);
    if (!details) return reply;
    const fields = isRecord(request.body) ? request.body : {};
    if (!deps.csrf.check(details.uid, fields.csrf)) return refuseForm(deps, reply, details);
    let accountId: string;
    try {
      await perSource(request);
      // Refuses password users (they sign in with the password in Keyway) and records the sign-in.
      const user = await deps.mfa.passkeys.verifyPasswordless(fields.response, passwordlessBinding(details.uid));
      accountId = String(user.id);
    } catch (error) {
      if (!(error instanceof KeywayError)) throw error;
      return show(reply, details, { status: statusOf(error.code), error });
    }
    // RFC 8176: "hwk" possession of a hardware-secured key, "user" presence, with user verification: "mfa".
    return finishLogin(deps, request, reply, details, accountId, ['hwk', 'user', 'mfa']);
  });
}

function passwordlessBinding(uid: string): string {
  return `passwordless:${uid}`;
}

/** What the passkey ceremonies on an interaction's pages are bound to. */
function passkeyBinding(uid: string): string {
  return `interaction:${uid}`;
}

/** Right after the password: go straight to the only way there is, or offer the choice. */
export async function startMfa(
  deps: InteractionDeps,
  reply: FastifyReply,
  details: Interaction,
): Promise<FastifyReply> {
  const live = await deps.mfa.secondStep.live({ interactionUid: details.uid });
  const ways = await webStepWays(deps.mfa, live, true);
  const only = ways.length === 1 ? ways[0] : undefined;
  if (ways.length === 0) return sendPage(reply, 403, mfaUnavailablePage(textOf(reply, details), deps.serverName()));
  if (only === undefined) return render(deps, reply, details, live, { kind: 'choose' }, {});
  return take(deps, reply, details, live, only);
}

/**
 * A GET of the interaction while its second step is under way shows that step again (or the choice).
 * True when it sent a page; false when there is no second step and the sign-in form should show.
 */
export async function showMfaOnReturn(
  deps: InteractionDeps,
  reply: FastifyReply,
  details: Interaction,
  query: UidRoute['Querystring'],
): Promise<boolean> {
  const found = await deps.mfa.secondStep.lookup({ interactionUid: details.uid });
  if (!found || found.challenge.consumedAt !== undefined) return false;
  let live: LiveChallenge;
  try {
    live = await deps.mfa.secondStep.live({ interactionUid: details.uid });
  } catch (error) {
    if (!(error instanceof KeywayError)) throw error;
    await showSignIn(deps, reply, details, { error });
    return true;
  }
  const chosen = live.challenge.chosenChannel;
  // viewFor maps a channel that is no longer usable to enrolment or the choice.
  const view: View =
    query.mfa === 'recover' && (await offersRecovery(deps.mfa, live))
      ? { kind: 'recover' }
      : query.mfa !== 'choose' && chosen !== undefined
        ? await webStepView(deps.mfa, live, chosen, true)
        : { kind: 'choose' };
  await render(deps, reply, details, live, view, {});
  return true;
}

async function take(
  deps: InteractionDeps,
  reply: FastifyReply,
  details: Interaction,
  live: LiveChallenge,
  way: Way,
): Promise<FastifyReply> {
  const ref = { interactionUid: details.uid };
  if (way === 'enroll' && (await deps.mfa.secondStep.enrolmentAllowed(live))) {
    return render(deps, reply, details, live, { kind: 'enroll' }, {});
  }
  if (way === 'enroll') {
    // The password alone must not add an authenticator: a code sent to the user proves it is them first.
    const proof = await proofChannel(deps.mfa, live);
    if (proof === undefined) return render(deps, reply, details, live, { kind: 'choose' }, {});
    const view: View = { kind: 'code', channel: proof, purpose: 'enroll' };
    try {
      const sent = await deps.mfa.secondStep.send(ref, proof);
      const notice = textOf(reply, details).t(proof === 'email' ? 'proveFirstEmail' : 'proveFirstSms', {
        hint: sent.hint,
      });
      return await render(deps, reply, details, live, { ...view, notice }, {});
    } catch (error) {
      return renderError(deps, reply, details, live, view, error);
    }
  }
  if (way === 'passkey') {
    await deps.mfa.secondStep.choose(ref, 'passkey');
    return render(deps, reply, details, live, { kind: 'passkey' }, {});
  }
  if (way === 'totp') {
    await deps.mfa.secondStep.choose(ref, 'totp');
    return render(deps, reply, details, live, { kind: 'code', channel: 'totp' }, {});
  }
  try {
    const sent = await deps.mfa.secondStep.send(ref, way);
    const notice = textOf(reply, details).t(way === 'email' ? 'sentByEmail' : 'sentBySms', { hint: sent.hint });
    return await render(deps, reply, details, live, { kind: 'code', channel: way, notice }, {});
  } catch (error) {
    return renderError(deps, reply, details, live, { kind: 'code', channel: way }, error);
  }
}

/** After a failed step: a dead challenge goes back to the password; anything else stays on the page. */
function renderError(
  deps: InteractionDeps,
  reply: FastifyReply,
  details: Interaction,
  live: LiveChallenge,
  view: View,
  error: unknown,
): Promise<FastifyReply> | FastifyReply {
  if (!(error instanceof KeywayError)) throw error;
  if (error.retryAfter !== undefined) void reply.header('retry-after', String(error.retryAfter));
  const status = statusOf(error.code);
  if (error.code === 'mfa_too_many_attempts' || error.code === 'mfa_challenge_expired') {
    return showSignIn(deps, reply, details, { status, error });
  }
  return render(deps, reply, details, live, view, { status, error });
}

async function render(
  deps: InteractionDeps,
  reply: FastifyReply,
  details: Interaction,
  live: LiveChallenge,
  view: View,
  state: PageState,
): Promise<FastifyReply> {
  const base = interactionPath(details.uid);
  const text = textOf(reply, details);
  const common = {
    text,
    serverName: deps.serverName(),
    csrfToken: deps.csrf.tokenFor(details.uid),
    cancelUrl: cancelUrl(deps, details.uid),
    error: typeof state.error === 'object' ? text.error(state.error) : state.error,
  };
  const otherWaysUrl = (await webStepWays(deps.mfa, live, true)).length > 1 ? `${base}?mfa=choose` : undefined;
  const status = state.status ?? 200;
  if (view.kind === 'recover') {
    const html = mfaRecoveryPage({
      ...common,
      action: `${base}/mfa/recover`,
      otherWaysUrl: `${base}?mfa=choose`,
    });
    return sendPage(reply, status, html);
  }
  const withRecovery = {
    ...common,
    recoveryUrl: (await offersRecovery(deps.mfa, live)) ? `${base}?mfa=recover` : undefined,
  };
  if (view.kind === 'enroll') {
    const enrollment = await deps.mfa.secondStep.enroll({ interactionUid: details.uid });
    const html = mfaEnrollPage({
      ...common,
      verifyAction: `${base}/mfa/verify`,
      qrSvg: await qrSvg(enrollment.otpauthUri),
      groupedSecret: groupSecret(enrollment.secret),
      otherWaysUrl,
    });
    return sendPage(reply, status, html);
  }
  if (view.kind === 'passkey') {
    const html = mfaPasskeyPage({
      ...common,
      options: await deps.mfa.passkeys.secondFactorOptions(live, passkeyBinding(details.uid)),
      action: `${base}/mfa/passkey`,
      otherWaysUrl,
    });
    return sendPasskeyPage(reply, status, html);
  }
  const { options } = await webStepSituation(deps.mfa, live);
  if (view.kind === 'choose') {
    const html = mfaChoicePage({
      ...withRecovery,
      action: `${base}/mfa/channel`,
      options,
      canEnroll: (await webStepWays(deps.mfa, live, true)).includes('enroll'),
    });
    return sendPage(reply, status, html);
  }
  const html = mfaCodePage({
    ...withRecovery,
    channel: view.channel,
    hint: options.find((option) => option.channel === view.channel)?.hint ?? '',
    verifyAction: `${base}/mfa/verify`,
    sendAction: `${base}/mfa/send`,
    notice: view.notice,
    resendAfterSeconds: DEFAULT_CODE_TIMINGS.resendCooldownSeconds,
    codeMinutes: Math.round(DEFAULT_CODE_TIMINGS.codeTtlSeconds / 60),
    otherWaysUrl,
    purpose: view.purpose,
  });
  return sendPage(reply, status, html);
}

/** The interaction, its live challenge and the form, once the CSRF token checks out; else the page is sent. */
async function checkedForm(
  deps: InteractionDeps,
  request: FastifyRequest<UidRoute>,
  reply: FastifyReply,
): Promise<{ details: Interaction; live: LiveChallenge; fields: Record<string, unknown> } | undefined> {
  const details = await interaction(deps, request, reply);
  if (!details) return undefined;
  const fields = isRecord(request.body) ? request.body : {};
  if (!deps.csrf.check(details.uid, fields.csrf)) {
    refuseForm(deps, reply, details);
    return undefined;
  }
  try {
    return { details, live: await deps.mfa.secondStep.live({ interactionUid: details.uid }), fields };
  } catch (error) {
    if (!(error instanceof KeywayError)) throw error;
    await showSignIn(deps, reply, details, { status: statusOf(error.code), error });
    return undefined;
  }
}
