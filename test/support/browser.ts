import { isIP } from 'node:net';
import { parseSetCookie, type Cookie } from 'set-cookie-parser';
import { hiddenFormOf } from './html';

/**
 * The one scripted browser of the tests (fetch, redirects by hand, a cookie jar), for the reference
 * server's web pages, its OpenID Provider and the test identity providers. It replaces three that had
 * grown apart; what differed between them is now an option or a method:
 *
 * - SsoBrowser (brokered sign-in): a jar per host name, ignoring the port; no default headers; no Origin
 *   on posts; `follow` stopped where a predicate said (15 hops) and returned a URL; deleted a cookie on
 *   an empty value or an Expires in 1970; returned the raw Response.
 * - TestBrowser (the OpenID Provider's pages): one jar for every host; default headers (Accept-Language);
 *   no Origin on posts; `follow` stopped on leaving an origin (10 hops) and returned a string; deleted on
 *   an empty value or an Expires in 1970.
 * - CookieBrowser (the account, reset and admin pages): bound to one origin (relative paths); default
 *   headers; the Origin header a page of that origin sends with its forms (or another, or none); read
 *   the forms' hidden fields back; deleted on Max-Age=0 only; answered a page {status, headers, html,
 *   location}, never following redirects.
 *
 * None scoped cookies by Path, Secure or expiry time. This one does, as a browser does (RFC 6265 §5.3 to
 * store, §5.4 to send), with Set-Cookie parsed by set-cookie-parser (no hand-rolled parsing):
 * - per host, not per port (RFC 6265 §8.5); Domain= must domain-match the host (no public-suffix list:
 *   every test host is loopback);
 * - Path= (or the default path of the request) scopes what is sent; longer paths first;
 * - Max-Age wins over Expires; Max-Age<=0 or an Expires in the past deletes the cookie (a value '' is a
 *   cookie like any other, as in a browser);
 * - Secure cookies are stored and sent on https and on loopback http (127.0.0.0/8, ::1, localhost), as
 *   Chromium does (it treats loopback as potentially trustworthy: net/cookies/cookie_base.cc, Chrome 89+;
 *   see server/admin-console/routes.ts, checked there against Chromium), and on no other http origin;
 * - `__Secure-` needs Secure, `__Host-` needs Secure, Path=/ and no Domain (RFC 6265bis, cookie name
 *   prefixes), else the cookie is refused;
 * - SameSite is not modelled: every test server is on the same loopback host, one site for a browser.
 * `Browser` answers Responses; `PageBrowser` is the same browser read as pages of one origin.
 */

interface StoredCookie {
  name: string;
  value: string;
  /** The host it was set by (host-only) or its Domain attribute, lower case, no leading dot. */
  domain: string;
  hostOnly: boolean;
  path: string;
  secure: boolean;
  /** Epoch ms, or undefined for a session cookie (kept as long as the browser). */
  expiresAt: number | undefined;
  created: number;
}

let creation = 0;

export class CookieJar {
  private stored: StoredCookie[] = [];

  /** `origin`: where `set` plants a cookie when no URL is given (a PageBrowser's origin). */
  constructor(private readonly origin?: string) {}

  /** Takes a response's Set-Cookie headers, as received from `url`. */
  receive(url: URL, setCookies: readonly string[]): void {
    for (const cookie of parseSetCookie([...setCookies], { decodeValues: false })) {
      if (cookie.name === '') continue;
      this.store(url, cookie);
    }
  }

  /** The Cookie header a request to `url` carries ('' when none). */
  header(url: URL): string {
    const now = Date.now();
    this.stored = this.stored.filter((cookie) => cookie.expiresAt === undefined || cookie.expiresAt > now);
    return this.stored
      .filter(
        (cookie) =>
          (cookie.hostOnly ? cookie.domain === hostOf(url) : domainMatches(hostOf(url), cookie.domain)) &&
          pathMatches(url.pathname, cookie.path) &&
          (!cookie.secure || secureForCookies(url)),
      )
      .sort((a, b) => b.path.length - a.path.length || a.created - b.created)
      .map((cookie) => `${cookie.name}=${cookie.value}`)
      .join('; ');
  }

  /** The value of the live cookie called `name` (whatever its host or path), as a test inspects a jar. */
  get(name: string): string | undefined {
    return this.live().find((cookie) => cookie.name === name)?.value;
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  /** The names of the live cookies. */
  keys(): IterableIterator<string> {
    return new Set(this.live().map((cookie) => cookie.name)).values();
  }

  /**
   * Plants `name=value` as if the server at `url` (default: the jar's origin) had set it with Path=/
   * (and Secure for a prefixed name): a test forging or replaying a cookie.
   */
  set(name: string, value: string, url: string | URL | undefined = this.origin): void {
    if (url === undefined) throw new Error(`No URL to plant the cookie ${name} for.`);
    const secure = /^__(host|secure)-/i.test(name) ? '; Secure' : '';
    this.receive(new URL(url), [`${name}=${value}; Path=/${secure}`]);
  }

  private live(): StoredCookie[] {
    const now = Date.now();
    return this.stored.filter((cookie) => cookie.expiresAt === undefined || cookie.expiresAt > now);
  }

  private store(url: URL, cookie: Cookie): void {
    const host = hostOf(url);
    const attribute = cookie.domain?.toLowerCase().replace(/^\./, '');
    const domain = attribute === undefined || attribute === '' ? host : attribute;
    if (!domainMatches(host, domain)) return;
    const path = cookie.path?.startsWith('/') ? cookie.path : defaultPath(url.pathname);
    const secure = cookie.secure === true;
    if (secure && !secureForCookies(url)) return;
    if (/^__secure-/i.test(cookie.name) && !secure) return;
    if (/^__host-/i.test(cookie.name) && (!secure || path !== '/' || attribute !== undefined)) return;
    const now = Date.now();
    let expiresAt: number | undefined;
    if (cookie.maxAge !== undefined && Number.isFinite(cookie.maxAge)) expiresAt = now + cookie.maxAge * 1000;
    else if (cookie.expires !== undefined && !Number.isNaN(cookie.expires.getTime()))
      expiresAt = cookie.expires.getTime();
    const same = (each: StoredCookie) => each.name === cookie.name && each.domain === domain && each.path === path;
    const old = this.stored.find(same);
    this.stored = this.stored.filter((each) => !same(each));
    if (expiresAt !== undefined && expiresAt <= now) return;
    this.stored.push({
      name: cookie.name,
      value: cookie.value,
      domain,
      hostOnly: attribute === undefined || attribute === '',
      path,
      secure,
      expiresAt,
      // A replaced cookie keeps its creation time (RFC 6265 §5.3 step 11.3).
      created: old?.created ?? creation++,
    });
  }
}

function hostOf(url: URL): string {
  return url.hostname.toLowerCase();
}

/** RFC 6265 §5.1.3: the host itself, or a name under the domain (never for an IP address). */
function domainMatches(host: string, domain: string): boolean {
  if (host === domain) return true;
  return isIP(host.replace(/^\[|\]$/g, '')) === 0 && host.endsWith(`.${domain}`);
}

/** RFC 6265 §5.1.4: the request path's directory. */
function defaultPath(pathname: string): string {
  if (!pathname.startsWith('/')) return '/';
  const last = pathname.lastIndexOf('/');
  return last <= 0 ? '/' : pathname.slice(0, last);
}

/** RFC 6265 §5.1.4 path-match. */
function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}

/** https, or loopback http as Chromium treats it for cookies (see the doc comment above). */
function secureForCookies(url: URL): boolean {
  if (url.protocol === 'https:') return true;
  const host = hostOf(url);
  return host === 'localhost' || host.endsWith('.localhost') || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}

export interface BrowserOptions {
  /** The page origin: relative URLs resolve against it, and posts carry it as their Origin header. */
  origin?: string;
  /** Sent with every request, as a browser sends its Accept-Language. */
  headers?: Record<string, string>;
}

export class Browser {
  readonly cookies: CookieJar;
  readonly origin: string | undefined;
  private readonly headers: Record<string, string>;

  constructor(options: BrowserOptions = {}) {
    this.origin = options.origin;
    this.headers = options.headers ?? {};
    this.cookies = new CookieJar(options.origin);
  }

  get(url: string | URL): Promise<Response> {
    return this.fetch(url, { method: 'GET' });
  }

  /**
   * Posts a form. Its Origin header is `options.origin` when given (null: none), else the browser's
   * origin when it has one (a page of that origin posting), else none.
   */
  post(url: string | URL, form: Record<string, string>, options: { origin?: string | null } = {}): Promise<Response> {
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    const origin = options.origin === undefined ? this.origin : options.origin;
    if (origin !== undefined && origin !== null) headers.origin = origin;
    return this.fetch(url, { method: 'POST', headers, body: new URLSearchParams(form).toString() });
  }

  /** One request, redirects not followed, with this browser's headers and cookies. */
  async fetch(url: string | URL, init: RequestInit): Promise<Response> {
    const target = new URL(url, this.origin);
    const headers = new Headers({ ...this.headers, ...Object.fromEntries(new Headers(init.headers)) });
    const cookie = this.cookies.header(target);
    if (cookie !== '') headers.set('cookie', cookie);
    const response = await fetch(target, { ...init, headers, redirect: 'manual' });
    this.cookies.receive(target, response.headers.getSetCookie());
    return response;
  }

  /**
   * Follows redirects (GET) from `response`; stops at the first response that is not a redirect, or at
   * a redirect to a URL `stop` accepts, not requested (a test decides what reaches an app's loopback
   * callback or an identity provider). `stop` as an origin: stop where a redirect leaves it.
   */
  async follow(
    response: Response,
    stop: ((url: URL) => boolean) | string = () => false,
  ): Promise<{ response: Response; url: URL }> {
    const stops = typeof stop === 'string' ? (url: URL) => !url.href.startsWith(`${stop}/`) : stop;
    let current = response;
    let url = new URL(response.url);
    for (let hop = 0; hop < 15; hop++) {
      const location = current.headers.get('location');
      if (current.status < 300 || current.status >= 400 || location === null) return { response: current, url };
      url = new URL(location, url);
      if (stops(url)) return { response: current, url };
      current = await this.get(url);
    }
    throw new Error('Too many redirects.');
  }
}

/** A page as a PageBrowser answers it. */
export interface WebPage {
  status: number;
  headers: Headers;
  html: string;
  /** The Location of a redirect, resolved against the origin. */
  location: string | undefined;
}

/**
 * The same browser, read as the pages of one origin (the account, reset and admin pages): relative
 * paths, posts with this origin's Origin header, and each answer read as a WebPage. Redirects are not
 * followed, so tests see them.
 */
export class PageBrowser {
  readonly browser: Browser;

  constructor(
    readonly origin: string,
    headers: Record<string, string> = {},
  ) {
    this.browser = new Browser({ origin, headers });
  }

  get cookies(): CookieJar {
    return this.browser.cookies;
  }

  async get(path: string): Promise<WebPage> {
    return this.page(await this.browser.get(path));
  }

  /** Posts a form as a page of this origin would (Origin header included unless `origin` is given). */
  async post(path: string, fields: Record<string, string>, options: { origin?: string | null } = {}): Promise<WebPage> {
    return this.page(await this.browser.post(path, fields, options));
  }

  /** Submits the page's form whose action ends with `action`, with its hidden fields plus `fields`. */
  submit(page: WebPage, action: string, fields: Record<string, string> = {}): Promise<WebPage> {
    const form = hiddenFormOf(page.html, action);
    return form.method === 'get'
      ? this.get(`${form.action}?${new URLSearchParams({ ...form.hidden, ...fields }).toString()}`)
      : this.post(form.action, { ...form.hidden, ...fields });
  }

  private async page(response: Response): Promise<WebPage> {
    const location = response.headers.get('location');
    return {
      status: response.status,
      headers: response.headers,
      html: await response.text(),
      location: location === null ? undefined : new URL(location, this.origin).href,
    };
  }
}
