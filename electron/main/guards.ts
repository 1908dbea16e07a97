/**
 * Every decision the main process makes about what the page may do, as plain functions of plain
 * values: no `electron` import, so each is tested in Node on hostile input (test/unit/main-guards.test.ts),
 * and electron/main/lockdown.ts and ipc-handlers.ts only wire them to Electron's events.
 *
 * The app page is given as a parameter (`app://keyway/index.html` once the renderer is served from the
 * privileged app:// scheme; a file URL before that), never read from a global, so tests can vary it.
 */

/**
 * `scheme://host` of a URL, lower-cased; null for anything unparsable. Computed by hand because Node's
 * WHATWG URL gives non-special schemes such as app:// an opaque origin ("null"), whereas Chromium, where
 * the scheme is registered as standard, gives `app://keyway`.
 */
export function originOf(candidate: string | null | undefined): string | null {
  if (!candidate) return null;
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return null;
  }
  return `${url.protocol}//${url.host}`.toLowerCase();
}

/**
 * Whether a URL is the app's own page: same scheme, host and path as the app page, no query, no user
 * info. The hash is client-side state of the same page. Hosts compare case-insensitively (Chromium
 * canonicalises a standard scheme's host to lower case; Node leaves app://'s host as written).
 */
export function isAppPageUrl(candidate: string | null | undefined, appPageUrl: string): boolean {
  if (!candidate) return false;
  let url: URL;
  let app: URL;
  try {
    url = new URL(candidate);
    app = new URL(appPageUrl);
  } catch {
    return false;
  }
  return (
    url.protocol === app.protocol &&
    url.host.toLowerCase() === app.host.toLowerCase() &&
    url.pathname === app.pathname &&
    url.search === '' &&
    url.username === '' &&
    url.password === ''
  );
}

/**
 * will-navigate, will-frame-navigate and will-redirect: the app is one page, so the only navigation
 * allowed is to that page itself (a reload through a link to it). Everything else, links included,
 * stays where it is; Keyway opens the outside world only through {@link isOpenableUrl}.
 */
export function mayNavigate(targetUrl: string | null | undefined, appPageUrl: string): boolean {
  return isAppPageUrl(targetUrl, appPageUrl);
}

/** setWindowOpenHandler: Keyway never opens a second window, whatever the page asks. */
export function windowOpenDecision(): { action: 'deny' } {
  return { action: 'deny' };
}

/** The one permission the app page needs: `navigator.clipboard.writeText` (Copy on the OTP and MFA screens). */
export const CLIPBOARD_WRITE_PERMISSION = 'clipboard-sanitized-write';

export interface PermissionAsk {
  /** Electron's permission name, e.g. `clipboard-sanitized-write`, `media`, `openExternal`. */
  readonly permission: string;
  /** The URL of the asking frame (details.requestingUrl). Absent when not asked on behalf of a document. */
  readonly requestingUrl: string | undefined;
  /** Whether the asking frame is the top frame (details.isMainFrame). */
  readonly isMainFrame: boolean;
  /** Whether the asking web contents is the app window's own (identity, checked by the caller). */
  readonly fromAppWindow: boolean;
  /** Only for permission checks: the origin Chromium checks for (the handler's `requestingOrigin`). */
  readonly requestingOrigin?: string;
}

/**
 * Permission requests and checks (session.setPermissionRequestHandler / setPermissionCheckHandler):
 * clipboard write for the app page's own top frame in the app window; everything else is refused.
 * Electron names the permission `navigator.clipboard.writeText` asks for `clipboard-sanitized-write`
 * (docs/api/session.md, electron/electron#37158), and "most web APIs do a permission check and then
 * make a permission request if the check is denied" (same page): both handlers use this decision.
 * Clipboard *read* stays denied: nothing in Keyway reads the clipboard through the API (paste is the
 * user's own keystroke, which needs no permission).
 */
export function permissionDecision(ask: PermissionAsk, appPageUrl: string): boolean {
  if (ask.permission !== CLIPBOARD_WRITE_PERMISSION) return false;
  if (!ask.fromAppWindow || !ask.isMainFrame) return false;
  if (!isAppPageUrl(ask.requestingUrl, appPageUrl)) return false;
  if (ask.requestingOrigin !== undefined && originOf(ask.requestingOrigin) !== originOf(appPageUrl)) return false;
  return true;
}

/** What the IPC sender check looks at; objects are compared by identity, never by URL string. */
export interface IpcSender<Contents, Frame> {
  /** event.sender: the web contents the message came from. */
  readonly sender: Contents;
  /** event.senderFrame: null once the frame has navigated away or been destroyed (Electron ≥ 34). */
  readonly senderFrame: (Frame & { readonly url: string }) | null;
}

export interface AppWindowRef<Contents, Frame> {
  readonly webContents: Contents;
  readonly mainFrame: Frame;
}

export type SenderVerdict = { readonly trusted: true } | { readonly trusted: false; readonly reason: string };

/**
 * The IPC sender check. Trusted only when the message comes from the app window's own web contents,
 * from its main frame (the same WebFrameMain object: Electron keeps one wrapper per frame), and that
 * frame currently shows the app origin. A subframe, another window, a destroyed frame, or the right
 * frame after it navigated elsewhere is refused. Comparing objects first means no URL canonicalisation
 * quirk (such as Windows drive-letter case in file URLs) can refuse the real page or admit a forged one.
 */
export function ipcSenderDecision<Contents, Frame>(
  event: IpcSender<Contents, Frame>,
  app: AppWindowRef<Contents, Frame> | null,
  appPageUrl: string,
): SenderVerdict {
  if (app === null) return { trusted: false, reason: 'there is no app window' };
  if (event.sender !== app.webContents) return { trusted: false, reason: 'not the app window' };
  if (event.senderFrame === null) return { trusted: false, reason: 'the sending frame is gone' };
  if (event.senderFrame !== app.mainFrame) return { trusted: false, reason: 'not the main frame' };
  const appOrigin = originOf(appPageUrl);
  if (appOrigin === null || originOf(event.senderFrame.url) !== appOrigin) {
    return { trusted: false, reason: 'the frame is not showing the app' };
  }
  return { trusted: true };
}
