import type { Session, WebContents } from 'electron';
import { mayNavigate, permissionDecision, windowOpenDecision } from './guards';

/**
 * Wires the decisions of guards.ts to Electron. Only types come from `electron`, so the wiring itself
 * runs in Node against stand-ins (test/unit/main-lockdown.test.ts): removing a handler, or letting one
 * allow what its decision refuses, fails a test.
 */

/** Applied to every web contents the app ever creates (app.on('web-contents-created')), not just the main window. */
export function lockDownContents(contents: WebContents, appPageUrl: string): void {
  // will-navigate: the main frame, started by the page (links, window.location); will-frame-navigate:
  // any frame, subframes included; will-redirect: a server redirect during either. None fires for
  // loadURL or in-page (hash) navigation (electron.d.ts, WebContents events).
  contents.on('will-navigate', (event) => {
    if (!mayNavigate(event.url, appPageUrl)) event.preventDefault();
  });
  contents.on('will-frame-navigate', (event) => {
    if (!mayNavigate(event.url, appPageUrl)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    if (!mayNavigate(event.url, appPageUrl)) event.preventDefault();
  });
  // Keyway has no <webview> (webviewTag is off too); refusing the attach closes the door should a page
  // get one in (https://www.electronjs.org/docs/latest/tutorial/security#12-verify-webview-options-before-creation).
  contents.on('will-attach-webview', (event) => event.preventDefault());
  // window.open, target=_blank and friends all reach this handler; 'deny' creates nothing
  // (https://www.electronjs.org/docs/latest/api/window-open#setwindowopenhandler).
  contents.setWindowOpenHandler(() => windowOpenDecision());
}

/**
 * Permission requests and checks of the session, both through {@link permissionDecision}. The app
 * window's contents are passed as a getter: it is compared by identity at the time of the request.
 */
export function installPermissionPolicy(
  session: Session,
  appPageUrl: string,
  appContents: () => WebContents | null,
): void {
  session.setPermissionRequestHandler((contents, permission, callback, details) => {
    callback(
      permissionDecision(
        {
          permission,
          requestingUrl: details.requestingUrl,
          isMainFrame: details.isMainFrame,
          fromAppWindow: contents === appContents(),
        },
        appPageUrl,
      ),
    );
  });
  session.setPermissionCheckHandler((contents, permission, requestingOrigin, details) =>
    permissionDecision(
      {
        permission,
        requestingUrl: details.requestingUrl,
        isMainFrame: details.isMainFrame,
        // A check not made for any web contents (null) is never the app window's.
        fromAppWindow: contents !== null && contents === appContents(),
        requestingOrigin,
      },
      appPageUrl,
    ),
  );
}
