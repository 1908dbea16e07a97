import { shell } from 'electron';
import { isLoopbackHost } from '../../protocol/server-origin';

/**
 * The only way Keyway opens anything outside itself: an https URL (or, for development, a loopback
 * http URL) in the user's default browser. Core only ever asks for the identity provider's
 * authorization URL; anything else is refused here.
 */
export async function openInSystemBrowser(url: string): Promise<void> {
  if (!isOpenableUrl(url)) throw new Error(`Refusing to open ${url}: only https identity-provider URLs are opened.`);
  await shell.openExternal(url, { activate: true });
}

export function isOpenableUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.username || parsed.password) return false;
  return parsed.protocol === 'https:' || (parsed.protocol === 'http:' && isLoopbackHost(parsed.hostname));
}
