import { describe, expect, it } from 'vitest';
import { startLoopbackRedirect } from '../../electron/core/oidc/loopback-redirect';

describe('the RFC 8252 loopback redirect listener', () => {
  it('listens on 127.0.0.1 on an ephemeral port and takes exactly one callback', async () => {
    const loopback = await startLoopbackRedirect({ timeoutMs: 5_000 });
    expect(loopback.redirectUri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    expect(new URL(loopback.redirectUri).port).not.toBe('0');

    // Anything but /callback is not ours and does not end the wait.
    expect((await fetch(new URL('/favicon.ico', loopback.redirectUri))).status).toBe(404);

    const page = await fetch(`${loopback.redirectUri}?code=abc&state=xyz`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('return to Keyway');
    const url = await loopback.callback;
    expect(url.searchParams.get('code')).toBe('abc');

    // The listener is gone: a second callback cannot be delivered.
    await expect(fetch(`${loopback.redirectUri}?code=again&state=xyz`)).rejects.toThrow();
  });

  it('tells the browser the sign-in did not complete when the provider sent an error', async () => {
    const loopback = await startLoopbackRedirect({ timeoutMs: 5_000 });
    const page = await fetch(`${loopback.redirectUri}?error=access_denied&state=xyz`);
    expect(await page.text()).toContain('did not complete');
    expect((await loopback.callback).searchParams.get('error')).toBe('access_denied');
  });

  it('gives up with oidc_timeout when the browser never comes back, and with oidc_cancelled on Cancel', async () => {
    const slow = await startLoopbackRedirect({ timeoutMs: 50 });
    await expect(slow.callback).rejects.toMatchObject({ code: 'oidc_timeout' });
    await expect(fetch(slow.redirectUri)).rejects.toThrow();

    const abort = new AbortController();
    const cancelled = await startLoopbackRedirect({ timeoutMs: 5_000, signal: abort.signal });
    abort.abort();
    await expect(cancelled.callback).rejects.toMatchObject({ code: 'oidc_cancelled' });
  });
});
