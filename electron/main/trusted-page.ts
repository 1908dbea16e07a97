/**
 * Decides whether a URL is the app's own page. Used for two gates: IPC calls are served only to
 * frames showing this page, and the window may only ever navigate to it.
 */
export function isAppPageUrl(candidate: string | undefined | null, appPageUrl: string): boolean {
  if (!candidate) return false;
  let url: URL;
  let app: URL;
  try {
    url = new URL(candidate);
    app = new URL(appPageUrl);
  } catch {
    return false;
  }
  // The hash is client-side state of the same page; everything before it must match exactly.
  return url.protocol === app.protocol && url.host === app.host && url.pathname === app.pathname && url.search === '';
}
