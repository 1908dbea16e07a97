/**
 * A minimal "browser" for integration tests of unified login: follows redirects by hand, keeps
 * cookies per origin, and fills the reference OpenID Provider's sign-in form (fields `login`,
 * `password`, hidden `csrf`). It stops at the first redirect to `stopAt` and returns that URL without
 * requesting it, so a test decides what reaches Keyway's loopback listener (and an attacker's copy).
 */
export async function signInThroughProvider(
  authorizationUrl: string,
  password: string,
  stopAt: (url: URL) => boolean,
  /** A page that is not the password form (the second step): the fields to post to its first form. */
  secondStep?: (html: string) => Record<string, string> | undefined,
): Promise<URL> {
  const cookies = new Map<string, string>();
  const send = async (url: URL, init: RequestInit = {}): Promise<Response> => {
    const headers = new Headers(init.headers);
    const jar = [...cookies.entries()].map(([k, v]) => `${k}=${v}`).join('; ');
    if (jar) headers.set('cookie', jar);
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const index = pair?.indexOf('=') ?? -1;
      if (pair && index > 0) cookies.set(pair.slice(0, index).trim(), pair.slice(index + 1).trim());
    }
    return response;
  };

  let url = new URL(authorizationUrl);
  let init: RequestInit = {};
  for (let hop = 0; hop < 20; hop++) {
    if (stopAt(url)) return url;
    const response = await send(url, init);
    init = {};
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      url = new URL(location, url);
      continue;
    }
    const html = await response.text();
    // A first second factor shows its recovery codes once (oidc/mfa-pages.ts); a person saves them and goes on.
    const saved = /<a class="button" href="([^"]+)">I saved them, continue<\/a>/.exec(html)?.[1];
    if (saved !== undefined) {
      url = new URL(decodeEntities(saved), url);
      continue;
    }
    const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1];
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    const answer = html.includes('name="password"') ? undefined : secondStep?.(html);
    if (csrf && action && answer) {
      url = new URL(action.replace(/&amp;/g, '&'), url);
      init = {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ csrf, ...answer }).toString(),
      };
      continue;
    }
    if (!csrf || !action || !html.includes('name="password"'))
      throw new Error(`unexpected provider page at ${url.pathname} (${response.status})`);
    const login = /name="login"[^>]*value="([^"]*)"/.exec(html)?.[1] ?? '';
    url = new URL(action.replace(/&amp;/g, '&'), url);
    init = {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf, login: decodeEntities(login), password }).toString(),
    };
  }
  throw new Error('too many redirects at the provider');
}

/** The five entities the server's HTML escaper writes, back to text. */
export function decodeEntities(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
