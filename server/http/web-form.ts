import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * What the server's own web forms (the account page, the password reset page) share: cookies, CSRF
 * tokens, the same-origin check and the page CSP. Fastify has no cookie support of its own and these
 * pages need very little, so this is done by hand, strictly: HttpOnly, SameSite=Strict, Path=/, and on
 * https the __Host- prefix with Secure (the browser then refuses the cookie from anywhere else).
 */

/** No script, no inline style; forms may only post to this server. */
const WEB_FORM_CSP =
  "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** The double-submit cookie of pages without a session yet (sign-in form, reset form). */
const FORM_COOKIE = 'keyway-form';
const FORM_COOKIE_MAX_AGE_SECONDS = 60 * 60;

/**
 * The attributes of every session and form cookie of these pages (the account page, the reset page, the
 * admin console): HttpOnly, SameSite=Strict, Path=/ and no Domain; with `secure`, Secure too, which is
 * what a `__Host-` name requires of the browser (RFC 6265bis §4.1.3.2).
 */
function sessionCookieAttributes(secure: boolean): string {
  return `Path=/; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

export class WebCookies {
  constructor(
    private readonly origin: () => string,
    /**
     * 'always': `__Host-` and Secure even on a plain-http loopback origin (the admin console; browsers
     * treat loopback as a secure context for cookies, see admin-console/routes.ts). 'https' (default):
     * only on https, so the account page also works from tools on http://127.0.0.1.
     */
    private readonly hostPrefix: 'https' | 'always' = 'https',
  ) {}

  /** The cookie's full name: `__Host-<base>` on https, `<base>` on plain-http loopback. */
  name(base: string): string {
    return this.secure() ? `__Host-${base}` : base;
  }

  read(request: FastifyRequest, base: string): string | undefined {
    const wanted = this.name(base);
    for (const part of (request.headers.cookie ?? '').split(';')) {
      const [name, ...rest] = part.trim().split('=');
      if (name === wanted) {
        const value = rest.join('=');
        // Our values are base64url; anything else was not set by us.
        return /^[A-Za-z0-9_-]{16,128}$/.test(value) ? value : undefined;
      }
    }
    return undefined;
  }

  set(reply: FastifyReply, base: string, value: string, maxAgeSeconds: number): void {
    appendSetCookie(reply, this.serialize(base, value, maxAgeSeconds));
  }

  /** The Set-Cookie value, for a response fastify no longer writes (a hijacked reply). */
  serialize(base: string, value: string, maxAgeSeconds: number): string {
    return `${this.name(base)}=${value}; ${this.attributes()}; Max-Age=${maxAgeSeconds}`;
  }

  clear(reply: FastifyReply, base: string): void {
    appendSetCookie(reply, `${this.name(base)}=; ${this.attributes()}; Max-Age=0`);
  }

  private attributes(): string {
    return sessionCookieAttributes(this.secure());
  }

  private secure(): boolean {
    return this.hostPrefix === 'always' || this.origin().startsWith('https:');
  }
}

function appendSetCookie(reply: FastifyReply, cookie: string): void {
  const existing = reply.getHeader('set-cookie');
  const list = existing === undefined ? [] : Array.isArray(existing) ? existing.map(String) : [String(existing)];
  void reply.header('set-cookie', [...list, cookie]);
}

/** A CSRF token bound to a secret only this browser's cookie holds (and to what the form is for). */
export function csrfTokenOf(secret: string, purpose: string): string {
  return createHash('sha256').update(`keyway-form-csrf:${purpose}:${secret}`).digest('base64url');
}

export function tokensMatch(expected: string, actual: unknown): boolean {
  if (typeof actual !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(actual);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The double-submit guard of forms shown before any session exists: a random cookie per browser and a
 * token derived from it in the form. Another site can make the browser post, but it cannot read the
 * cookie, so it cannot write the token.
 */
export class FormGuard {
  constructor(
    private readonly cookies: WebCookies,
    private readonly origin: () => string,
  ) {}

  /** The token for this browser's forms; sets the cookie when the browser has none yet. */
  tokenFor(request: FastifyRequest, reply: FastifyReply, purpose: string): string {
    let secret = this.cookies.read(request, FORM_COOKIE);
    if (secret === undefined) {
      secret = randomBytes(32).toString('base64url');
      this.cookies.set(reply, FORM_COOKIE, secret, FORM_COOKIE_MAX_AGE_SECONDS);
      // The same request may render the form twice (an error after a post): keep one secret.
      request.headers.cookie = `${request.headers.cookie ?? ''}; ${this.cookies.name(FORM_COOKIE)}=${secret}`;
    }
    return csrfTokenOf(secret, purpose);
  }

  /** True when the post came from this server's own page in this browser. */
  check(request: FastifyRequest, purpose: string, token: unknown): boolean {
    const secret = this.cookies.read(request, FORM_COOKIE);
    return (
      secret !== undefined && sameOrigin(request, this.origin()) && tokensMatch(csrfTokenOf(secret, purpose), token)
    );
  }
}

/**
 * A browser's post says where it comes from, and a post from another site is refused before the token
 * is even looked at. Sec-Fetch-Site first: these pages send no referrer, and browsers then send
 * `Origin: null` with a form post, so Origin is only checked when it names one. Tools that send
 * neither still need the cookie and the token.
 */
export function sameOrigin(request: FastifyRequest, origin: string): boolean {
  const site = request.headers['sec-fetch-site'];
  if (typeof site === 'string') return site === 'same-origin';
  const from = request.headers.origin;
  return from === undefined || from === 'null' || from === origin;
}

/**
 * A post made within a session (the account page's, the admin console's): it comes from this origin
 * (sameOrigin) and carries the CSRF token derived from the session's cookie value for this purpose.
 */
export function sessionPostAccepted(
  request: FastifyRequest,
  origin: string,
  sessionSecret: string,
  purpose: string,
  token: unknown,
): boolean {
  return sameOrigin(request, origin) && tokensMatch(csrfTokenOf(sessionSecret, purpose), token);
}

/** A scope that reads the pages' forms (application/x-www-form-urlencoded, a few KB at most). */
export async function registerFormScope(
  app: FastifyInstance,
  register: (scope: FastifyInstance) => void,
): Promise<void> {
  await app.register((scope, _options, done) => {
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 8 * 1024 },
      (_request, body, parsed) => parsed(null, Object.fromEntries(new URLSearchParams(String(body)))),
    );
    register(scope);
    done();
  });
}

/** The form's fields as strings (anything else is treated as missing). */
export function formFields(body: unknown): Record<string, string> {
  if (typeof body !== 'object' || body === null) return {};
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) if (typeof value === 'string') fields[key] = value;
  return fields;
}

export function sendHtml(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply.code(status).header('content-security-policy', WEB_FORM_CSP).type('text/html; charset=utf-8').send(html);
}
