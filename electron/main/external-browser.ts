import type { Shell } from 'electron';
import { isOpenableUrl } from './openable-url';

/**
 * The only way Keyway opens anything outside itself: an https URL (or, for development, a loopback
 * http URL) in the user's default browser. Core only ever asks for the identity provider's
 * authorization URL; anything else is refused here. The shell is passed in so the guard is tested
 * against a stand-in (test/unit/main-lockdown.test.ts).
 */
export function createSystemBrowser(
  shell: Pick<Shell, 'openExternal'>,
): (url: string, identityProviderOrigin: string) => Promise<void> {
  return async function openInSystemBrowser(url, identityProviderOrigin) {
    if (!isOpenableUrl(url, identityProviderOrigin)) {
      throw new Error(`Refusing to open ${url}: only the identity provider's https sign-in page is opened.`);
    }
    await shell.openExternal(url, { activate: true });
  };
}
