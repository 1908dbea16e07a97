import * as client from 'openid-client';
import { describe, expect, it } from 'vitest';
import { followOn, keywayClient, readSignInForm } from './oidc-fixture';
import { ANA, startServerWithAna } from './server-fixture';
import { Browser } from '../../support/browser';
import { fieldValue } from '../../support/html';

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

function hidden(html: string, name: string): string {
  const value = fieldValue(html, name);
  if (value === undefined) throw new Error(`No ${name} in:\n${html}`);
  return value;
}

describe('the device authorization grant (RFC 8628)', () => {
  it('signs in with a user code entered on the code page, then the sign-in page', async () => {
    const { server, origin } = await startServerWithAna();
    const config = await keywayClient(server.issuer);
    const device = await client.initiateDeviceAuthorization(config, { scope: 'openid email profile offline_access' });
    expect(device.verification_uri).toBe(`${server.issuer}/device`);
    expect(device.user_code).toMatch(/^[A-Z]{4}-[A-Z]{4}$/);

    // Polling before the user acts says so.
    await expect(
      client.genericGrantRequest(config, DEVICE_GRANT, { device_code: device.device_code }),
    ).rejects.toMatchObject({ error: 'authorization_pending' });

    const browser = new Browser();
    const entry = await browser.get(device.verification_uri);
    expect(entry.status).toBe(200);
    expect(entry.headers.get('content-security-policy')).toContain("default-src 'none'");
    const entryHtml = await entry.text();
    expect(entryHtml).toContain('<h1>Connect a device</h1>');
    expect(entryHtml).toContain('<label for="user_code">Code</label>');
    expect(entryHtml).toContain('/assets/sign-in.css');
    expect(entryHtml).not.toMatch(/<script|\son[a-z]+=/i);
    const action = `${server.issuer}/device`;

    const wrong = await browser.post(action, { xsrf: hidden(entryHtml, 'xsrf'), user_code: 'BCDF-GHJK' });
    const wrongHtml = await wrong.text();
    expect(wrongHtml).toContain('That code is not right.');

    // Lower case and without the dash, as people type it.
    const typed = device.user_code.replace('-', '').toLowerCase();
    const confirm = await browser.post(action, { xsrf: hidden(wrongHtml, 'xsrf'), user_code: typed });
    const confirmHtml = await confirm.text();
    expect(confirmHtml).toContain('<h1>Confirm the code</h1>');
    expect(confirmHtml).toContain(`<p class="code" translate="no">${device.user_code}</p>`);

    const toSignIn = await followOn(
      browser,
      await browser.post(action, {
        xsrf: hidden(confirmHtml, 'xsrf'),
        user_code: hidden(confirmHtml, 'user_code'),
        confirm: 'yes',
      }),
      origin,
    );
    const form = readSignInForm(await toSignIn.response.text(), origin);
    const done = await followOn(
      browser,
      await browser.post(form.action, { csrf: form.csrf, login: ANA.email, password: ANA.password }),
      origin,
    );
    expect(done.response.status).toBe(200);
    expect(await done.response.text()).toContain('<h1>You are signed in</h1>');

    const tokens = await client.genericGrantRequest(config, DEVICE_GRANT, { device_code: device.device_code });
    expect(tokens.claims()).toMatchObject({ email: ANA.email, preferred_username: ANA.loginId });
    expect(tokens.refresh_token).toEqual(expect.any(String));
    // A device code is good for one sign-in.
    await expect(
      client.genericGrantRequest(config, DEVICE_GRANT, { device_code: device.device_code }),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('tells the device when the user cancels', async () => {
    const { server } = await startServerWithAna();
    const config = await keywayClient(server.issuer);
    const device = await client.initiateDeviceAuthorization(config, { scope: 'openid' });
    const browser = new Browser();
    const action = `${server.issuer}/device`;
    const entryHtml = await (await browser.get(action)).text();
    const confirmHtml = await (
      await browser.post(action, { xsrf: hidden(entryHtml, 'xsrf'), user_code: device.user_code })
    ).text();
    const aborted = await browser.post(action, {
      xsrf: hidden(confirmHtml, 'xsrf'),
      user_code: device.user_code,
      confirm: 'yes',
      abort: 'yes',
    });
    expect(await aborted.text()).toContain('The sign-in was cancelled.');
    await expect(
      client.genericGrantRequest(config, DEVICE_GRANT, { device_code: device.device_code }),
    ).rejects.toMatchObject({ error: 'access_denied' });
  });
});
