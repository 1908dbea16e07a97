import type { FastifyReply } from 'fastify';
import { KeywayError } from '../../protocol/errors';
import { MfaChannel } from '../../protocol/mfa';
import type { PageText } from '../http/page-messages';
import { statusOf } from '../http/problem';
import { qrSvg } from '../landing/qr';
import type { LiveChallenge } from '../mfa/challenges';
import { DEFAULT_CODE_TIMINGS } from '../mfa/codes';
import type { ChallengeRef } from '../mfa/second-step';
import { groupSecret } from '../mfa/totp';
import {
  offersRecovery,
  typedRecoveryCode,
  webStepSituation,
  webStepView,
  webStepWays,
  type WebStepView,
  type WebStepWay,
} from '../mfa/web-step';
import { sendPasskeyPage } from '../mfa/passkeys-page';
import {
  mfaChoicePage,
  mfaCodePage,
  mfaEnrollPage,
  mfaPasskeyPage,
  mfaRecoveryCodesPage,
  mfaRecoveryPage,
  mfaUnavailablePage,
} from '../oidc/mfa-pages';
import type { MfaServices } from '../services';
import { ACCOUNT_PATH, accountSignInPage } from './account-pages';
import type { AccountSession } from './account-sessions';
import { sendHtml } from '../http/web-form';

/** What the step shows: the choice of ways, a code field for one channel, or authenticator enrolment. */
type View = WebStepView;
type Way = WebStepWay;

/** One request's view of the step: the session, its CSRF token, and where Cancel goes. */
export interface StepContext {
  mfa: MfaServices;
  /** The pages' words, in the browser's language. */
  text: PageText;
  serverName: string;
  session: AccountSession;
  csrfToken: string;
  /** Ends the half-signed-in session (a link, so it carries the CSRF token). */
  cancelUrl: string;
  /** The sign-in form's token, for when the step is over and the password must be typed again. */
  signInCsrfToken: () => string;
}

/**
 * The account page's second step, with the MFA pages and rules of the OpenID Provider's sign-in: the
 * challenge is the same kind, bound to this browser session (`account:<session hash>`) instead of a
 * provider interaction, so only the browser holding the session cookie can use it.
 */
export function challengeOf(session: AccountSession): Extract<ChallengeRef, { interactionUid: string }> {
  return { interactionUid: `account:${session.idHash}` };
}

/** Right after the password: straight to the only way there is, or the choice. */
export async function startSecondStep(context: StepContext, reply: FastifyReply): Promise<FastifyReply> {
  const live = await liveOrNull(context);
  if (!live) return signInAgain(context, reply, context.text.t('signInExpiredAgain'));
  const ways = await webStepWays(context.mfa, live);
  if (ways.length === 0) return sendHtml(reply, 403, mfaUnavailablePage(context.text, context.serverName));
  const only = ways.length === 1 ? ways[0] : undefined;
  return only === undefined ? render(context, reply, live, { kind: 'choose' }, {}) : take(context, reply, live, only);
}

/** A GET while the step is under way: the channel chosen before (without sending anything), or the choice. */
export async function showSecondStep(
  context: StepContext,
  reply: FastifyReply,
  wants: 'choose' | 'recover' | undefined,
): Promise<FastifyReply> {
  let live: LiveChallenge;
  try {
    live = await context.mfa.secondStep.live(challengeOf(context.session));
  } catch (error) {
    if (!(error instanceof KeywayError)) throw error;
    return signInAgain(context, reply, error);
  }
  const chosen = live.challenge.chosenChannel;
  const view: View =
    wants === 'recover' && (await offersRecovery(context.mfa, live))
      ? { kind: 'recover' }
      : wants !== 'choose' && chosen !== undefined
        ? await webStepView(context.mfa, live, chosen)
        : { kind: 'choose' };
  return render(context, reply, live, view, {});
}

/** A way picked on the choice page (or Resend, which posts the channel again). */
export async function chooseWay(
  context: StepContext,
  reply: FastifyReply,
  field: string | undefined,
): Promise<FastifyReply> {
  const live = await liveOrNull(context);
  if (!live) return signInAgain(context, reply, context.text.t('signInExpiredAgain'));
  const way = field === 'enroll' ? 'enroll' : MfaChannel.safeParse(field).data;
  if (way === undefined || !(await webStepWays(context.mfa, live)).includes(way)) {
    const error = context.text.t('chooseOneWay');
    return render(context, reply, live, { kind: 'choose' }, { status: 400, error });
  }
  return take(context, reply, live, way);
}

/**
 * Checks a code. Returns true when the step is passed (the challenge is spent) — with the new recovery
 * codes when it confirmed the user's first second factor; otherwise the page with the reason has been sent.
 */
export function verifyCode(
  context: StepContext,
  reply: FastifyReply,
  fields: Record<string, string>,
): Promise<false | { recoveryCodes: string[] | undefined }> {
  return verifyOrRender<{ recoveryCodes: string[] | undefined }>(context, reply, async (live) => {
    const channel = MfaChannel.safeParse(fields.channel).data ?? 'totp';
    if (channel === 'passkey') return { view: { kind: 'passkey' }, refusal: context.text.t('useYourPasskeyError') };
    const view = await webStepView(context.mfa, live, channel);
    const code = (fields.code ?? '').replace(/\s/g, '');
    if (!/^\d{6}$/.test(code)) return { view, refusal: context.text.t('enterSixDigits') };
    return {
      view,
      verify: () =>
        context.mfa.secondStep.verify(challengeOf(context.session), channel, code, (done) => ({
          recoveryCodes: done.recoveryCodes,
        })),
    };
  });
}

/** Checks a recovery code instead of the second factor; like verifyCode. */
export function recoverWithCode(
  context: StepContext,
  reply: FastifyReply,
  fields: Record<string, string>,
): Promise<boolean> {
  return verifyOrRender<boolean>(context, reply, () => {
    const view: View = { kind: 'recover' };
    const typed = typedRecoveryCode(fields.recoveryCode);
    if (typed === undefined) return { view, refusal: context.text.t('enterRecoveryCode') };
    return {
      view,
      verify: async () => {
        await context.mfa.secondStep.recover(challengeOf(context.session), typed, () => undefined);
        return true;
      },
    };
  });
}

/**
 * Checks the answer of the passkey page's WebAuthn ceremony, bound to this browser session. Returns true
 * when the step is passed (the challenge is spent); otherwise the page with the reason has been sent.
 */
export function verifyPasskey(
  context: StepContext,
  reply: FastifyReply,
  fields: Record<string, string>,
): Promise<boolean> {
  return verifyOrRender<boolean>(context, reply, () => ({
    view: { kind: 'passkey' },
    verify: async () => {
      await context.mfa.passkeys.verifySecondFactor(
        challengeOf(context.session),
        fields.response,
        passkeyBinding(context),
      );
      return true;
    },
  }));
}

/**
 * One way of passing the step, as verifyOrRender runs it: the page it is answered on, and either the
 * check to run or why the form cannot be checked at all (the page then says so, status 400).
 */
type Attempt<T> = { view: View } & ({ verify: () => Promise<T> } | { refusal: string });

/**
 * What verifyCode, recoverWithCode and verifyPasskey share: with the live challenge (else back to the
 * password), plan the attempt; run it; on a refusal send its page with the reason and answer false.
 */
async function verifyOrRender<T>(
  context: StepContext,
  reply: FastifyReply,
  plan: (live: LiveChallenge) => Attempt<T> | Promise<Attempt<T>>,
): Promise<T | false> {
  const live = await liveOrNull(context);
  if (!live) {
    await signInAgain(context, reply, context.text.t('signInExpiredAgain'));
    return false;
  }
  const attempt = await plan(live);
  if ('refusal' in attempt) {
    await render(context, reply, live, attempt.view, { status: 400, error: attempt.refusal });
    return false;
  }
  try {
    return await attempt.verify();
  } catch (error) {
    await renderError(context, reply, live, attempt.view, error);
    return false;
  }
}

function passkeyBinding(context: StepContext): string {
  return `account:${context.session.idHash}`;
}

/** The first second factor's recovery codes, once, then on to the account page. */
export function showNewRecoveryCodes(
  context: StepContext,
  reply: FastifyReply,
  codes: readonly string[],
): FastifyReply {
  return sendHtml(
    reply,
    200,
    mfaRecoveryCodesPage({ text: context.text, serverName: context.serverName, codes, continueUrl: ACCOUNT_PATH }),
  );
}

async function take(context: StepContext, reply: FastifyReply, live: LiveChallenge, way: Way): Promise<FastifyReply> {
  const ref = challengeOf(context.session);
  if (way === 'enroll') return render(context, reply, live, { kind: 'enroll' }, {});
  if (way === 'passkey') {
    await context.mfa.secondStep.choose(ref, 'passkey');
    return render(context, reply, live, { kind: 'passkey' }, {});
  }
  if (way === 'totp') {
    await context.mfa.secondStep.choose(ref, 'totp');
    return render(context, reply, live, { kind: 'code', channel: 'totp' }, {});
  }
  try {
    const sent = await context.mfa.secondStep.send(ref, way);
    const notice = context.text.t(way === 'email' ? 'sentByEmail' : 'sentBySms', { hint: sent.hint });
    return await render(context, reply, live, { kind: 'code', channel: way, notice }, {});
  } catch (error) {
    return renderError(context, reply, live, { kind: 'code', channel: way }, error);
  }
}

/** A dead challenge goes back to the password; anything else stays on the page with the reason. */
function renderError(
  context: StepContext,
  reply: FastifyReply,
  live: LiveChallenge,
  view: View,
  error: unknown,
): Promise<FastifyReply> | FastifyReply {
  if (!(error instanceof KeywayError)) throw error;
  if (error.retryAfter !== undefined) void reply.header('retry-after', String(error.retryAfter));
  if (error.code === 'mfa_too_many_attempts' || error.code === 'mfa_challenge_expired') {
    return signInAgain(context, reply, error, statusOf(error.code));
  }
  return render(context, reply, live, view, { status: statusOf(error.code), error: context.text.error(error) });
}

async function render(
  context: StepContext,
  reply: FastifyReply,
  live: LiveChallenge,
  view: View,
  state: { status?: number; error?: string },
): Promise<FastifyReply> {
  const common = {
    text: context.text,
    serverName: context.serverName,
    csrfToken: context.csrfToken,
    cancelUrl: context.cancelUrl,
    error: state.error,
  };
  const ways = await webStepWays(context.mfa, live);
  const otherWaysUrl = ways.length > 1 ? `${ACCOUNT_PATH}?mfa=choose` : undefined;
  const status = state.status ?? 200;
  const verifyAction = `${ACCOUNT_PATH}/mfa/verify`;
  if (view.kind === 'recover') {
    return sendHtml(
      reply,
      status,
      mfaRecoveryPage({ ...common, action: `${ACCOUNT_PATH}/mfa/recover`, otherWaysUrl: `${ACCOUNT_PATH}?mfa=choose` }),
    );
  }
  const withRecovery = {
    ...common,
    recoveryUrl: (await offersRecovery(context.mfa, live)) ? `${ACCOUNT_PATH}?mfa=recover` : undefined,
  };
  if (view.kind === 'enroll') {
    const enrollment = await context.mfa.secondStep.enroll(challengeOf(context.session));
    return sendHtml(
      reply,
      status,
      mfaEnrollPage({
        ...common,
        verifyAction,
        qrSvg: await qrSvg(enrollment.otpauthUri),
        groupedSecret: groupSecret(enrollment.secret),
        otherWaysUrl,
      }),
    );
  }
  if (view.kind === 'passkey') {
    const html = mfaPasskeyPage({
      ...common,
      options: await context.mfa.passkeys.secondFactorOptions(live, passkeyBinding(context)),
      action: `${ACCOUNT_PATH}/mfa/passkey`,
      otherWaysUrl,
    });
    return sendPasskeyPage(reply, status, html);
  }
  const { options } = await webStepSituation(context.mfa, live);
  if (view.kind === 'choose') {
    return sendHtml(
      reply,
      status,
      mfaChoicePage({
        ...withRecovery,
        action: `${ACCOUNT_PATH}/mfa/channel`,
        options,
        canEnroll: ways.includes('enroll'),
      }),
    );
  }
  return sendHtml(
    reply,
    status,
    mfaCodePage({
      ...withRecovery,
      channel: view.channel,
      hint: options.find((option) => option.channel === view.channel)?.hint ?? '',
      verifyAction,
      sendAction: `${ACCOUNT_PATH}/mfa/channel`,
      notice: view.notice,
      resendAfterSeconds: DEFAULT_CODE_TIMINGS.resendCooldownSeconds,
      codeMinutes: Math.round(DEFAULT_CODE_TIMINGS.codeTtlSeconds / 60),
      otherWaysUrl,
    }),
  );
}

/** Back to the password form, saying why: words in the page's language, or a service's refusal. */
function signInAgain(
  context: StepContext,
  reply: FastifyReply,
  error: string | KeywayError,
  status = 400,
): FastifyReply {
  return sendHtml(
    reply,
    status,
    accountSignInPage({
      text: context.text,
      serverName: context.serverName,
      csrfToken: context.signInCsrfToken(),
      login: '',
      error: typeof error === 'string' ? error : context.text.error(error),
    }),
  );
}

async function liveOrNull(context: StepContext): Promise<LiveChallenge | undefined> {
  try {
    return await context.mfa.secondStep.live(challengeOf(context.session));
  } catch (error) {
    if (error instanceof KeywayError) return undefined;
    throw error;
  }
}
