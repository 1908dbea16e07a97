import type { KeywayClient } from '../../../electron/ipc/client';

/**
 * What Sign-in security asks the password for: the command the password completes (re-authentication,
 * checked by the server; core sends it once and never puts it in a view). One at a time on the page.
 */
export type PasswordAction =
  | { readonly command: 'addAuthenticator' }
  | { readonly command: 'removeAuthenticator'; readonly id: string }
  | { readonly command: 'addPasskey' }
  | { readonly command: 'removePasskey'; readonly id: string }
  | { readonly command: 'regenerateRecoveryCodes' };

/** Sends the action with the password. A failed call (connection lost) is shown by the connection banner. */
export function sendWithPassword(client: KeywayClient, action: PasswordAction, password: string): void {
  const sent =
    action.command === 'removeAuthenticator' || action.command === 'removePasskey'
      ? client.invoke(action.command, { id: action.id, password })
      : client.invoke(action.command, { password });
  void sent.catch(() => undefined);
}
