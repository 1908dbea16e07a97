import type { Client, ErrorOut, KoaContextWithOIDC } from 'oidc-provider';
import { deviceCodeInputPage, deviceConfirmPage, deviceSuccessPage, expiredPage, messagePage } from './pages';

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
          serverName: serverName(),
          action: ctx.oidc.urlFor('code_verification'),
          xsrf: ctx.oidc.session?.state?.secret ?? '',
          error: out === undefined ? undefined : deviceError(out, error),
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
      html(ctx, deviceSuccessPage(serverName(), client?.clientName ?? client?.clientId ?? 'Keyway'));
      return Promise.resolve();
    },
  };
}

function deviceError(out: ErrorOut, error: Error | undefined): string {
  switch (error?.name) {
    case 'NoCodeError':
      return 'Enter the code that your device shows.';
    case 'NotFoundError':
      return 'That code is not right. Check it on your device and try again.';
    case 'ExpiredError':
      return 'That code has expired. Start signing in again on your device.';
    case 'AlreadyUsedError':
      return 'That code has already been used. Start signing in again on your device.';
    case 'AbortedError':
      return 'The sign-in was cancelled. Start again on your device if you want to sign in.';
  }
  if (out.error === 'access_denied') return 'The sign-in was cancelled. Start again on your device.';
  return 'Something went wrong. Start signing in again on your device.';
}

export function renderError(serverName: () => string) {
  return (ctx: KoaContextWithOIDC, out: ErrorOut): Promise<void> => {
    const description = out.error_description ?? out.error;
    // oidc-provider's words for a lost or finished interaction: say it plainly.
    const expired = /expired|interaction session|session not found|cookie/i.test(description);
    html(
      ctx,
      expired
        ? expiredPage(serverName())
        : messagePage(serverName(), 'Sign-in could not continue', [
            `The request was refused: ${description}.`,
            'Go back to Keyway and start signing in again. If this keeps happening, tell your IT department.',
          ]),
    );
    return Promise.resolve();
  };
}

function html(ctx: KoaContextWithOIDC, body: string): void {
  ctx.type = 'html';
  ctx.body = body;
}
