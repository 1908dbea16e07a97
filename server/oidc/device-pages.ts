import type { Client, ErrorOut, KoaContextWithOIDC } from 'oidc-provider';
import { pageLanguage } from '../http/languages';
import { pageText, type PageText } from '../http/page-messages';
import { deviceCodeInputPage, deviceConfirmPage, deviceSuccessPage, expiredPage, messagePage } from './pages';

/**
 * The language of a page oidc-provider renders: the request's `ui_locales` when the endpoint took one
 * (ctx.oidc.params; the device authorization request's are not carried to these pages), else the
 * browser's Accept-Language.
 */
function textOf(ctx: KoaContextWithOIDC): PageText {
  // ctx.oidc is missing when an error came before oidc-provider set up its context; the header still answers.
  const oidc = ctx.oidc as KoaContextWithOIDC['oidc'] | undefined;
  const acceptLanguage = ctx.get('accept-language');
  return pageText(
    pageLanguage(
      { headers: { 'accept-language': acceptLanguage === '' ? undefined : acceptLanguage } },
      oidc?.params?.ui_locales,
    ),
  );
}

/**
 * The pages oidc-provider renders itself, in the sign-in page's look: the device flow's code entry,
 * confirmation and success pages, and its error page. Its own forms carry inline script handlers,
 * which the CSP forbids, so these build the forms from the same action and xsrf values instead.
 */
export function deviceSources(serverName: () => string) {
  return {
    userCodeInputSource(ctx: KoaContextWithOIDC, _form: string, out?: ErrorOut, error?: Error): Promise<void> {
      html(
        ctx,
        deviceCodeInputPage({
          text: textOf(ctx),
          serverName: serverName(),
          action: ctx.oidc.urlFor('code_verification'),
          xsrf: ctx.oidc.session?.state?.secret ?? '',
          error: out === undefined ? undefined : deviceError(textOf(ctx), out, error),
        }),
      );
      return Promise.resolve();
    },

    userCodeConfirmSource(
      ctx: KoaContextWithOIDC,
      _form: string,
      client: Client,
      _deviceInfo: unknown,
      userCode: string,
    ): Promise<void> {
      html(
        ctx,
        deviceConfirmPage({
          text: textOf(ctx),
          serverName: serverName(),
          clientName: client.clientName ?? client.clientId,
          action: ctx.oidc.urlFor('code_verification'),
          xsrf: ctx.oidc.session?.state?.secret ?? '',
          userCode,
        }),
      );
      return Promise.resolve();
    },

    successSource(ctx: KoaContextWithOIDC): Promise<void> {
      const client = ctx.oidc.client;
      html(ctx, deviceSuccessPage(textOf(ctx), serverName(), client?.clientName ?? client?.clientId ?? 'Keyway'));
      return Promise.resolve();
    },
  };
}

function deviceError({ t }: PageText, out: ErrorOut, error: Error | undefined): string {
  switch (error?.name) {
    case 'NoCodeError':
      return t('deviceNoCode');
    case 'NotFoundError':
      return t('deviceNotFound');
    case 'ExpiredError':
      return t('deviceExpired');
    case 'AlreadyUsedError':
      return t('deviceUsed');
    case 'AbortedError':
      return t('deviceAborted');
  }
  if (out.error === 'access_denied') return t('deviceDenied');
  return t('deviceFailed');
}

export function renderError(serverName: () => string) {
  return (ctx: KoaContextWithOIDC, out: ErrorOut): Promise<void> => {
    const description = out.error_description ?? out.error;
    // oidc-provider's words for a lost or finished interaction: say it plainly.
    const expired = /expired|interaction session|session not found|cookie/i.test(description);
    const text = textOf(ctx);
    html(
      ctx,
      expired
        ? expiredPage(text, serverName())
        : messagePage(text, serverName(), text.t('couldNotContinue'), [
            // The provider's own words (English, from oidc-provider) stay: they name what was wrong.
            text.t('requestRefused', { description }),
            text.t('refusedTellIt'),
          ]),
    );
    return Promise.resolve();
  };
}

function html(ctx: KoaContextWithOIDC, body: string): void {
  ctx.type = 'html';
  ctx.body = body;
}
