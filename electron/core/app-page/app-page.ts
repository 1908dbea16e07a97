import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * The one rule for serving the renderer, shared by the Electron app (`app://keyway/…`, electron/main/
 * app-protocol.ts) and the browser harness (`http://127.0.0.1:<port>/…`, electron/harness/static-site.ts),
 * so the harness serves exactly what the app serves: the same files, the same refusals, the same headers.
 *
 * Why a custom scheme and not file://: with the GrantFileProtocolExtraPrivileges fuse off (build/after-pack.mjs)
 * a file:// page gets no privileges beyond a browser's, an opaque origin and no asar-aware loading, so Vite's
 * module scripts never run. Electron recommends serving local files from a privileged custom protocol
 * instead: https://www.electronjs.org/docs/latest/tutorial/security#18-avoid-usage-of-the-file-protocol-and-prefer-usage-of-custom-protocols
 * and https://www.electronjs.org/docs/latest/tutorial/fuses#grantfileprotocolextraprivileges
 */

/** The custom scheme the app page is served from (registered as privileged before `ready`). */
export const APP_SCHEME = 'app';
/** The only host of that scheme that serves anything. */
const APP_HOST = 'keyway';
/** The app page's origin: what `event.senderFrame.origin` and navigation guards compare against. */
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
/** The URL the main window loads. */
export const APP_PAGE_URL = `${APP_ORIGIN}/index.html`;

/** The file served for the origin's root (`/`); no other folder has an index. */
const INDEX = 'index.html';

/**
 * The only file types the renderer build contains (Vite: html, js, css, fonts, images). Anything else is
 * "not found": a file the build never produced is never served, whatever lies in the folder.
 */
const APP_CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
};

/** Why a request is refused; each has its own HTTP status. */
type AppRefusal =
  | 'method_not_allowed' // 405: only GET and HEAD read a page
  | 'wrong_origin' // 404: another scheme, host or port
  | 'bad_path' // 400: traversal, encoded separators, NUL, double encoding, malformed escapes
  | 'hidden_file' // 404: dotfiles and dot-folders
  | 'unknown_type' // 404: an extension the build never produces
  | 'not_found'; // 404: no such regular file (missing, or a folder)

/** The decision on the URL alone, before the disk is touched. */
export type AppRequestDecision =
  | { readonly ok: true; readonly segments: readonly string[]; readonly contentType: string }
  | { readonly ok: false; readonly refusal: AppRefusal };

const STATUS: Record<AppRefusal, number> = {
  method_not_allowed: 405,
  wrong_origin: 404,
  bad_path: 400,
  hidden_file: 404,
  unknown_type: 404,
  not_found: 404,
};

/**
 * Maps a request to a file of the renderer folder, as path segments, or refuses it. Pure: it never
 * reads the disk. `origin` is the only origin served (`APP_ORIGIN` in the app, the harness's own
 * `http://127.0.0.1:<port>` there). The query string and fragment are ignored, never part of a name.
 *
 * Hostile input is refused rather than normalised: WHATWG URL parsing already folds `..`, `%2e%2e` and
 * (for http) backslashes, but each remaining segment is decoded once and refused if it still holds a
 * separator (`/`, `\`, from `%2f`/`%5c`), a NUL or other control character, a `%` (double encoding), or
 * is `.`/`..`. Node does not treat `app:` as a special scheme, Chromium does: refusing instead of
 * guessing keeps both parsers' readings out of the decision.
 */
export function resolveAppRequest(method: string, url: string, origin: string = APP_ORIGIN): AppRequestDecision {
  if (method !== 'GET' && method !== 'HEAD') return { ok: false, refusal: 'method_not_allowed' };
  let parsed: URL;
  let expected: URL;
  try {
    parsed = new URL(url);
    expected = new URL(origin);
  } catch {
    return { ok: false, refusal: 'wrong_origin' };
  }
  if (
    parsed.protocol !== expected.protocol ||
    parsed.host !== expected.host ||
    parsed.username !== '' ||
    parsed.password !== ''
  ) {
    return { ok: false, refusal: 'wrong_origin' };
  }
  const raw = parsed.pathname;
  if (!raw.startsWith('/')) return { ok: false, refusal: 'bad_path' };
  const encoded = raw === '/' ? [INDEX] : raw.slice(1).split('/');
  const segments: string[] = [];
  for (const piece of encoded) {
    let segment: string;
    try {
      segment = decodeURIComponent(piece);
    } catch {
      return { ok: false, refusal: 'bad_path' };
    }
    // An empty segment is `//` or a trailing slash (a folder): never a file.
    if (segment === '') return { ok: false, refusal: 'not_found' };
    if (
      segment === '.' ||
      segment === '..' ||
      /[/\\%]/.test(segment) ||
      // eslint-disable-next-line no-control-regex -- refusing control characters (NUL included) is the point
      /[\u0000-\u001f\u007f]/.test(segment)
    ) {
      return { ok: false, refusal: 'bad_path' };
    }
    if (segment.startsWith('.')) return { ok: false, refusal: 'hidden_file' };
    segments.push(segment);
  }
  const name = segments[segments.length - 1] ?? INDEX;
  const contentType = APP_CONTENT_TYPES[path.extname(name).toLowerCase()];
  if (contentType === undefined) return { ok: false, refusal: 'unknown_type' };
  return { ok: true, segments, contentType };
}

/**
 * The Content-Security-Policy of the app page, sent as a response header (a meta element cannot set
 * frame-ancestors, and a header applies before any byte of the page is parsed). `extraConnect` is for
 * the harness only: its WebSocket endpoint, the channel that stands in for Electron's IPC.
 */
export function appContentSecurityPolicy(extraConnect: readonly string[] = []): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    ["connect-src 'self'", ...extraConnect].join(' '),
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}

/** Headers on every answer, served or refused: the CSP, no sniffing, no referrer, no stale bundles. */
function appResponseHeaders(extraConnect: readonly string[] = []): Record<string, string> {
  return {
    'content-security-policy': appContentSecurityPolicy(extraConnect),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
    'cross-origin-opener-policy': 'same-origin',
  };
}

/** A whole answer, ready for Electron's `new Response(...)` or Node's `res.writeHead(...).end(...)`. */
export interface AppResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  /** Null for HEAD and for refusals that carry no text. */
  readonly body: Buffer | null;
  /** Why it was refused (for tests and logs); absent when served. */
  readonly refusal?: AppRefusal;
}

export interface ServeAppOptions {
  /** The renderer folder (dist/renderer, inside app.asar in a packaged app). */
  readonly rendererDir: string;
  /** The only origin served; `APP_ORIGIN` unless the harness. */
  readonly origin?: string;
  /** The harness's WebSocket endpoint(s), added to connect-src. */
  readonly extraConnect?: readonly string[];
}

/**
 * Answers one request under the rule above. Reads with Node's fs, which Electron's main process patches
 * to read inside app.asar (https://www.electronjs.org/docs/latest/tutorial/asar-archives#node-api), so
 * nothing depends on the file: protocol's privileges.
 */
export async function serveAppRequest(method: string, url: string, options: ServeAppOptions): Promise<AppResponse> {
  const headers = appResponseHeaders(options.extraConnect);
  const decision = resolveAppRequest(method, url, options.origin ?? APP_ORIGIN);
  if (!decision.ok) return refuse(decision.refusal, headers);
  const root = path.resolve(options.rendererDir);
  const file = path.resolve(root, ...decision.segments);
  // Belt and braces: the segments cannot climb out, and this proves it for the path actually read.
  const relative = path.relative(root, file);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return refuse('bad_path', headers);
  let body: Buffer;
  try {
    if (!(await stat(file)).isFile()) return refuse('not_found', headers);
    body = await readFile(file);
  } catch {
    return refuse('not_found', headers);
  }
  return {
    status: 200,
    headers: { ...headers, 'content-type': decision.contentType, 'content-length': String(body.length) },
    body: method === 'HEAD' ? null : body,
  };
}

function refuse(refusal: AppRefusal, headers: Record<string, string>): AppResponse {
  const extra: Record<string, string> = refusal === 'method_not_allowed' ? { allow: 'GET, HEAD' } : {};
  const text = STATUS[refusal] === 400 ? 'Bad request' : STATUS[refusal] === 405 ? 'Method not allowed' : 'Not found';
  return {
    status: STATUS[refusal],
    headers: { ...headers, ...extra, 'content-type': 'text/plain; charset=utf-8' },
    body: Buffer.from(text),
    refusal,
  };
}
