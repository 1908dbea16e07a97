import type { PageBrowser, WebPage } from '../../support/browser';

/**
 * The admin console's two-step sign-in as a browser does it (issue 18): the password form at /admin, then,
 * when it leads to the second step, the authenticator code there. Returns the last answer: the password
 * step's when it went no further (a refusal), else the code's (303 to /admin/users on success).
 */
export async function consoleSignIn(
  browser: PageBrowser,
  fields: { login: string; password: string; code: string },
): Promise<WebPage> {
  const first = await browser.submit(await browser.get('/admin'), '/admin/sign-in', {
    login: fields.login,
    password: fields.password,
  });
  if (first.status !== 303 || first.location !== `${browser.origin}/admin/verify`) return first;
  const step = await browser.get('/admin/verify');
  if (step.status !== 200) return step;
  return browser.submit(step, '/admin/verify/code', { code: fields.code });
}
