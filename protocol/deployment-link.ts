import { DEEP_LINK_SCHEME, linkTooLong, MAX_DEEP_LINK_LENGTH } from './deep-link';
import { parseDeploymentCode, type DeploymentCode } from './deployment-code';
import { KeywayError } from './errors';
import { parseServerOrigin } from './server-origin';

/**
 * The three forms a deployment reaches Keyway in, all carrying the same code:
 *   - the code alone:             XXXXX-XXXXX-…
 *   - the deep link:              keyway://deploy?code=XXXXX-XXXXX-…
 *   - the e-mail's landing link:  https://server.example/deploy?code=XXXXX-XXXXX-…
 * One parser serves all three, whether the text was pasted or handed over by the OS.
 */

const DEPLOY_LINK_HOST = 'deploy';
export const LANDING_PATH = '/deploy';

export function buildDeepLink(codeText: string): string {
  return `${DEEP_LINK_SCHEME}://${DEPLOY_LINK_HOST}?code=${encodeURIComponent(codeText)}`;
}

export function buildLandingUrl(origin: string, codeText: string): string {
  return `${origin}${LANDING_PATH}?code=${encodeURIComponent(codeText)}`;
}

export function parseDeploymentInput(input: string): DeploymentCode {
  const text = input.trim();
  if (text.length === 0) {
    throw new KeywayError('code_malformed', 'Paste the link or the authentication code from your deployment e-mail.');
  }
  if (text.length > MAX_DEEP_LINK_LENGTH) throw linkTooLong(text.length);
  // A code never contains ":", so anything with a scheme-like prefix is treated as a link.
  const prefix = /^([^\s:/?#]+):/u.exec(text)?.[1];
  if (prefix === undefined) return parseDeploymentCode(text);

  // Lookalike letters (e.g. a Cyrillic "а" in "keywаy://") and control characters have no place in a link.
  const odd = /[^\x21-\x7e]/u.exec(text);
  if (odd) {
    const point = `U+${(odd[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
    throw new KeywayError(
      'link_malformed',
      `This link contains a character that cannot be in a Keyway link (${point}).`,
    );
  }
  const scheme = prefix.toLowerCase();
  if (!/^[a-z][a-z0-9+.-]*$/.test(scheme)) throw new KeywayError('link_malformed', 'This is not a valid link.');
  if (scheme === DEEP_LINK_SCHEME) return parseDeepLink(text);
  if (scheme === 'https' || scheme === 'http') return parseLandingLink(text);
  throw new KeywayError('link_wrong_scheme', `This is a "${scheme}:" link, not a Keyway link.`);
}

function parseDeepLink(text: string): DeploymentCode {
  const url = parseUrl(text);
  if (url.hostname.toLowerCase() !== DEPLOY_LINK_HOST || url.username || url.password || url.port) {
    throw new KeywayError(
      'link_malformed',
      `This Keyway link does not lead to a deployment (expected ${DEEP_LINK_SCHEME}://${DEPLOY_LINK_HOST}?code=…).`,
    );
  }
  if (url.pathname !== '' && url.pathname !== '/') {
    throw new KeywayError('link_malformed', 'This Keyway link has an unexpected path.');
  }
  return parseDeploymentCode(codeParameter(url));
}

function parseLandingLink(text: string): DeploymentCode {
  const url = parseUrl(text);
  const origin = parseServerOrigin(url.origin === 'null' ? text : url.href);
  if (url.pathname !== LANDING_PATH) {
    throw new KeywayError(
      'link_malformed',
      'This web link is not a Keyway deployment link. Paste the link from the deployment e-mail.',
    );
  }
  const code = parseDeploymentCode(codeParameter(url));
  // The code names the server; a landing page on another server is a forgery or a mistake either way.
  if (code.origin !== origin) {
    throw new KeywayError(
      'link_mismatch',
      `This link is hosted on ${new URL(origin).host}, but its code belongs to ${new URL(code.origin).host}.`,
    );
  }
  return code;
}

function parseUrl(text: string): URL {
  try {
    return new URL(text);
  } catch {
    throw new KeywayError('link_malformed', 'This link is not a valid URL.');
  }
}

function codeParameter(url: URL): string {
  const codes = url.searchParams.getAll('code');
  if (codes.length !== 1 || codes[0] === undefined || codes[0] === '') {
    throw new KeywayError('link_malformed', 'This link should carry exactly one authentication code.');
  }
  if (codes[0].includes('%')) throw new KeywayError('link_malformed', 'The code in this link is encoded twice.');
  return codes[0];
}
