import { protocol } from 'electron';
import { APP_SCHEME, serveAppRequest } from '../core/app-page/app-page';

/**
 * Registers `app:` as a privileged scheme. Must run before the app's `ready` event, and only once
 * (https://www.electronjs.org/docs/latest/api/protocol#protocolregisterschemesasprivilegedcustomschemes):
 * - standard: `app://keyway/` has a real origin, so relative URLs resolve and CSP 'self' matches it;
 * - secure: the page is a secure context (navigator.clipboard, crypto.subtle need one);
 * - supportFetchAPI: the renderer's fetch() and module-script loads may use the scheme.
 * corsEnabled stays off: it would let other origins read the scheme (electron/electron#52912); every
 * request Keyway makes to it is same-origin. bypassCSP stays off: the CSP header governs the page.
 */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

/**
 * Serves the renderer folder, and nothing else, on `app://keyway/` (after `ready`). The whole decision
 * is the shared rule in electron/core/app-page, which the harness's static server uses too; this only
 * turns its answer into a web Response (https://www.electronjs.org/docs/latest/api/protocol#protocolhandlescheme-handler).
 */
export function serveAppProtocol(rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const answer = await serveAppRequest(request.method, request.url, { rendererDir });
    return new Response(answer.body, { status: answer.status, headers: answer.headers });
  });
}
