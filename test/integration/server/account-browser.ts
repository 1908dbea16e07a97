import { decodeEntities } from '../../support/html';

/**
 * A small cookie-keeping HTTP client for the server's own web pages (the account page, the password
 * reset page): it keeps cookies like a browser, sends the Origin a browser sends with a form, and
 * reads forms back from the HTML. Redirects are not followed, so tests see them.
 */
export interface WebPage {
  status: number;
  headers: Headers;
  html: string;
  /** The Location of a redirect, resolved against the origin. */
  location: string | undefined;
}

export class CookieBrowser {
  readonly cookies = new Map<string, string>();

  /** `headers`: sent with every request, as a browser sends its Accept-Language. */
  constructor(
    readonly origin: string,
    private readonly headers: Record<string, string> = {},
  ) {}

  get(path: string): Promise<WebPage> {
    return this.send(path, { method: 'GET' });
  }

  /** Posts a form as a page of this origin would (Origin header included unless `origin` is given). */
  post(path: string, fields: Record<string, string>, options: { origin?: string | null } = {}): Promise<WebPage> {
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    const origin = options.origin === undefined ? this.origin : options.origin;
    if (origin !== null) headers.origin = origin;
    return this.send(path, { method: 'POST', headers, body: new URLSearchParams(fields).toString() });
  }

  /** Submits the page's form whose action ends with `action`, with its hidden fields plus `fields`. */
  submit(page: WebPage, action: string, fields: Record<string, string> = {}): Promise<WebPage> {
    const form = formOf(page.html, action);
    return form.method === 'get'
      ? this.get(`${form.action}?${new URLSearchParams({ ...form.hidden, ...fields }).toString()}`)
      : this.post(form.action, { ...form.hidden, ...fields });
  }

  private async send(path: string, init: RequestInit): Promise<WebPage> {
    const headers = new Headers({ ...this.headers, ...Object.fromEntries(new Headers(init.headers)) });
    const jar = [...this.cookies.entries()].map(([name, value]) => `${name}=${value}`).join('; ');
    if (jar) headers.set('cookie', jar);
    const response = await fetch(new URL(path, this.origin), { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const index = pair.indexOf('=');
      const name = pair.slice(0, index).trim();
      const value = pair.slice(index + 1).trim();
      const expired = attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const location = response.headers.get('location');
    return {
      status: response.status,
      headers: response.headers,
      html: await response.text(),
      location: location === null ? undefined : new URL(location, this.origin).href,
    };
  }
}

interface HtmlForm {
  action: string;
  method: 'get' | 'post';
  hidden: Record<string, string>;
}

function formOf(html: string, actionSuffix: string): HtmlForm {
  for (const [, attributes = '', body = ''] of html.matchAll(/<form([^>]*)>([\s\S]*?)<\/form>/g)) {
    const action = decodeEntities(/action="([^"]*)"/.exec(attributes)?.[1] ?? '');
    if (!action.endsWith(actionSuffix)) continue;
    const hidden: Record<string, string> = {};
    for (const [, name = '', value = ''] of body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
      hidden[name] = decodeEntities(value);
    }
    return { action, method: attributes.includes('method="get"') ? 'get' : 'post', hidden };
  }
  throw new Error(`No form posting to …${actionSuffix} on:\n${html}`);
}

export function heading(html: string): string {
  return decodeEntities(/<h1>([^<]*)<\/h1>/.exec(html)?.[1] ?? '');
}

export function alertText(html: string): string | undefined {
  const text = /role="alert">([^<]*)</.exec(html)?.[1];
  return text === undefined ? undefined : decodeEntities(text);
}
