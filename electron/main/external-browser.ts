import { shell } from 'electron';
import { isOpenableUrl } from './openable-url';

/**
 * The only way Keyway opens anything outside itself: an https URL (or, for development, a loopback
 * http URL) in the user's default browser. Core only ever asks for the identity provider's
 * authorization URL; anything else is refused here.
 */
export async function openInSystemBrowser(url: string, identityProviderOrigin: string): Promise<void> {
  if (!isOpenableUrl(url, identityProviderOrigin)) {
    throw new Error(`Refusing to open ${url}: only the identity provider's https sign-in page is opened.`);
  }
  await shell.openExternal(url, { activate: true });
}
