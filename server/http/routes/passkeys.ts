import type { FastifyInstance, FastifyReply } from 'fastify';
import { API_PREFIX } from '../../../protocol/api';
import { KeywayError } from '../../../protocol/errors';
import {
  PasskeyCompleteRequest,
  PasskeyManageStartRequest,
  PasskeyStartRequest,
  PasskeyStep,
  Reauthentication,
  VerifiedSession,
} from '../../../protocol/mfa';
import type { Limits } from '../../config';
import type { ServerIdentity } from '../../identity';
import { devicePublicKey } from '../../mfa/devices';
import { MFA_STEP_PATH, REGISTER_STEP_PATH, returnUrl } from '../../mfa/passkeys';
import { passkeyPage, sendPasskeyPage } from '../../mfa/passkeys-page';
import { mfaRecoveryCodesPage } from '../../oidc/mfa-pages';
import { PASSKEY_SCRIPT_PATH, passkeyScript } from '../../mfa/passkeys-script';
import type { PasskeyStepRecord } from '../../mfa/passkey-store';
import type { MfaServices } from '../../services';
import type { SessionService } from '../../sessions/session-service';
import { parseBody, sendJson } from '../json';
import { statusOf } from '../problem';
import { createLimiter } from '../rate-limiter';
import { formFields, sameOrigin } from '../web-form';
import { pageLanguage } from '../languages';
import { pageText, type PageText } from '../page-messages';

interface TokenRoute {
  Params: { token: string };
}
interface IdRoute {
  Params: { id: string };
}

/**
 * Passkeys for Keyway (the contract in protocol/mfa.ts): the browser step of a sign-in's second factor,
 * its result code exchanged for the session, and adding/removing passkeys from Sign-in security. The
 * step pages are the only server pages with a script (the server's own, /assets/passkey.js).
 */
export function registerPasskeyRoutes(
  app: FastifyInstance,
  sessions: SessionService,
  mfa: MfaServices,
  identity: ServerIdentity,
  limits: Limits,
): void {
  const passkeys = mfa.passkeys;
  const perSource = createLimiter(app, {
    max: limits.mfaPerSourcePerMinute,
    windowSeconds: 60,
    what: 'verification requests from this address',
  });

  app.get(PASSKEY_SCRIPT_PATH, async (_request, reply) =>
    reply
      .header('cache-control', 'public, max-age=3600')
      .type('text/javascript; charset=utf-8')
      .send(await passkeyScript()),
  );

  app.post(`${API_PREFIX}/mfa/passkey/start`, async (request, reply) => {
    await perSource(request);
    const body = parseBody(PasskeyStartRequest, request.body);
    return sendJson(reply, PasskeyStep, await passkeys.startMfaStep(body.challengeId, body.returnTo, body.state));
  });

  app.post(`${API_PREFIX}/mfa/passkey/complete`, async (request, reply) => {
    await perSource(request);
    const body = parseBody(PasskeyCompleteRequest, request.body);
    const remember = body.rememberDevice;
    // Checked before the code, so a bad key does not spend the code or the challenge.
    if (remember) devicePublicKey(remember.publicKey);
    // The same session, device and notice as /mfa/verify (routes/mfa.ts).
    const { user, tokens, remembered } = await passkeys.complete(
      body.challengeId,
      body.code,
      async ({ user, challenge }) => {
        const tokens = await sessions.startSession(user, challenge.installationId);
        if (!remember) return { user, tokens, remembered: undefined };
        const trustDays = (await mfa.policy.read()).trustDays;
        const name = remember.name.trim() === '' ? 'This device' : remember.name.trim();
        const device = await mfa.devices.register(user.id, remember.publicKey, name, trustDays);
        return { user, tokens, remembered: { name, device } };
      },
    );
    if (!remembered) return sendJson(reply, VerifiedSession, tokens);
    mfa.notices.tell(user, { kind: 'device-remembered', deviceName: remembered.name });
    return sendJson(reply, VerifiedSession, {
      ...tokens,
      trustedDevice: { deviceId: remembered.device.id, trustedUntil: remembered.device.trustedUntil },
    });
  });

  app.post(`${API_PREFIX}/me/mfa/passkeys/start`, async (request, reply) => {
    const user = await sessions.userOfBearer(request.headers.authorization);
    await perSource(request);
    const body = parseBody(PasskeyManageStartRequest, request.body);
    return sendJson(
      reply,
      PasskeyStep,
      await passkeys.startRegisterStep(user, body.password, body.returnTo, body.state),
    );
  });

  app.post<IdRoute>(`${API_PREFIX}/me/mfa/passkeys/:id/remove`, async (request, reply) => {
    const user = await sessions.userOfBearer(request.headers.authorization);
    await perSource(request);
    const body = parseBody(Reauthentication, request.body);
    await passkeys.remove(user, request.params.id, body.password);
    return reply.code(204).send();
  });

  // The browser step pages (form posts; the answer JSON is ~1–3 KB).
  void app.register((scope, _options, done) => {
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 32 * 1024 },
      (_request, body, parsed) => parsed(null, Object.fromEntries(new URLSearchParams(String(body)))),
    );
    const serverName = () => identity.name;

    scope.get<TokenRoute>(`${MFA_STEP_PATH}/:token`, async (request, reply) => {
      const { token } = request.params;
      const text = pageText(pageLanguage(request));
      let live;
      try {
        live = await passkeys.liveStep(token, 'mfa');
      } catch (error) {
        return deadStep(reply, text, serverName(), error);
      }
      const options = await passkeys.webauthn.authenticationOptions(
        live.user,
        'second-factor',
        `step:${live.step.idHash}`,
      );
      return sendPasskeyPage(reply, 200, mfaStepPage(text, serverName(), live.step, token, options));
    });

    scope.post<TokenRoute>(`${MFA_STEP_PATH}/:token`, async (request, reply) => {
      const { token } = request.params;
      const text = pageText(pageLanguage(request));
      const fields = formFields(request.body);
      let step: PasskeyStepRecord;
      try {
        step = (await passkeys.liveStep(token, 'mfa')).step;
      } catch (error) {
        return deadStep(reply, text, serverName(), error);
      }
      if (!sameOrigin(request, identity.origin)) {
        return refusedStep(reply, text, serverName(), step, foreignPost());
      }
      try {
        await perSource(request);
        return await reply.redirect(await passkeys.finishMfaStep(token, fields.response), 303);
      } catch (error) {
        return refusedStep(reply, text, serverName(), step, error);
      }
    });

    scope.get<TokenRoute>(`${REGISTER_STEP_PATH}/:token`, async (request, reply) => {
      const { token } = request.params;
      const text = pageText(pageLanguage(request));
      let live;
      try {
        live = await passkeys.liveStep(token, 'register');
      } catch (error) {
        return deadStep(reply, text, serverName(), error);
      }
      const options = await passkeys.webauthn.registrationOptions(live.user, `step:${live.step.idHash}`);
      return sendPasskeyPage(reply, 200, registerStepPage(text, serverName(), live.step, token, options));
    });

    scope.post<TokenRoute>(`${REGISTER_STEP_PATH}/:token`, async (request, reply) => {
      const { token } = request.params;
      const text = pageText(pageLanguage(request));
      const fields = formFields(request.body);
      let step: PasskeyStepRecord;
      try {
        step = (await passkeys.liveStep(token, 'register')).step;
      } catch (error) {
        return deadStep(reply, text, serverName(), error);
      }
      if (!sameOrigin(request, identity.origin)) {
        return refusedStep(reply, text, serverName(), step, foreignPost());
      }
      try {
        await perSource(request);
        const added = await passkeys.finishRegisterStep(token, fields.response, fields.name);
        if (added.recoveryCodes === undefined) return await reply.redirect(added.redirect, 303);
        // A first second factor: its recovery codes on this page, once ("Save them now"), then on to
        // Keyway. Never in the return URL (logged, kept in history); the page is not cached (no-store).
        const html = mfaRecoveryCodesPage({
          text,
          serverName: serverName(),
          codes: added.recoveryCodes,
          continueUrl: added.redirect,
        });
        return await sendPasskeyPage(reply, 200, html);
      } catch (error) {
        return refusedStep(reply, text, serverName(), step, error);
      }
    });
    done();
  });
}

function foreignPost(): KeywayError {
  return new KeywayError('passkey_refused', 'This answer did not come from this page, so it was refused.');
}

function mfaStepPage(
  text: PageText,
  serverName: string,
  step: PasskeyStepRecord,
  token: string,
  options: unknown,
): string {
  const { t } = text;
  const back = returnUrl(step, { error: 'passkey_unavailable' });
  return passkeyPage({
    text,
    title: t('passkeyTitle'),
    serverName,
    lead: t('stepLead', { server: serverName }),
    form: {
      text,
      ceremony: 'get',
      options,
      action: `${MFA_STEP_PATH}/${token}`,
      button: t('useMyPasskey'),
      fallback: t('stepFallback'),
    },
    links: [{ href: back, label: t('stepBack') }],
  });
}

function registerStepPage(
  text: PageText,
  serverName: string,
  step: PasskeyStepRecord,
  token: string,
  options: unknown,
): string {
  const { t } = text;
  return passkeyPage({
    text,
    title: t('addPasskey'),
    serverName,
    lead: t('registerLead', { server: serverName }),
    form: {
      text,
      ceremony: 'create',
      options,
      action: `${REGISTER_STEP_PATH}/${token}`,
      button: t('createPasskey'),
      askName: true,
      fallback: t('registerFallback'),
    },
    links: [{ href: returnUrl(step, { error: 'passkey_unavailable' }), label: t('registerBack') }],
  });
}

/** A refused answer: the specific reason, and the way back to Keyway carrying its code. */
function refusedStep(
  reply: FastifyReply,
  text: PageText,
  serverName: string,
  step: PasskeyStepRecord,
  error: unknown,
): FastifyReply {
  if (!(error instanceof KeywayError)) throw error;
  if (error.retryAfter !== undefined) void reply.header('retry-after', String(error.retryAfter));
  const back = returnUrl(step, { error: error.code });
  return sendPasskeyPage(
    reply,
    statusOf(error.code),
    passkeyPage({
      text,
      title: text.t(step.kind === 'mfa' ? 'stepNotAccepted' : 'passkeyNotAdded'),
      serverName,
      lead: text.t('nothingChanged'),
      error: text.error(error),
      links: [{ href: back, label: text.t('backToKeyway') }],
    }),
  );
}

/** A step page that cannot be used (unknown, used, expired): no way back is known to be Keyway's. */
function deadStep(reply: FastifyReply, text: PageText, serverName: string, error: unknown): FastifyReply {
  if (!(error instanceof KeywayError)) throw error;
  return sendPasskeyPage(
    reply,
    statusOf(error.code),
    passkeyPage({
      text,
      title: text.t('deadStepTitle'),
      serverName,
      lead: text.t('deadStepLead'),
      error: text.error(error),
      links: [],
    }),
  );
}
