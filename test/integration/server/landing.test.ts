import { describe, expect, it } from 'vitest';
import { buildDeepLink, buildLandingUrl } from '../../../protocol/deployment-link';
import { encodeDeploymentCode } from '../../../protocol/deployment-code';
import { ANA, startServerWithAna } from './server-fixture';

async function page(url: string) {
  const response = await fetch(url);
  return { status: response.status, headers: response.headers, html: await response.text() };
}

function expectPageHeaders(headers: Headers): void {
  const csp = headers.get('content-security-policy') ?? '';
  expect(csp).toContain("default-src 'none'");
  expect(csp).toContain("style-src 'self'");
  expect(csp).not.toContain('unsafe-inline');
  expect(csp).not.toContain('script-src');
  expect(headers.get('referrer-policy')).toBe('no-referrer');
  expect(headers.get('cache-control')).toBe('no-store');
  expect(headers.get('x-content-type-options')).toBe('nosniff');
  expect(headers.get('content-type')).toBe('text/html; charset=utf-8');
}

describe('the landing page', () => {
  it('shows the Open Keyway link, the code and a QR code of the deep link', async () => {
    const { server, logLines } = await startServerWithAna();
    const { code, landingUrl } = await server.admin.createDeployment(ANA.loginId);

    const { status, headers, html } = await page(landingUrl);

    expect(status).toBe(200);
    expectPageHeaders(headers);
    expect(html).toContain('Keyway reference server');
    expect(html).toContain(`href="${buildDeepLink(code)}"`);
    expect(html).toContain('Open Keyway');
    expect(html).toMatch(new RegExp(`<p class="code"[^>]*>${code}</p>`));
    expect(html).toMatch(/<svg[^>]*viewBox/);
    expect(html).toContain('href="/downloads"');
    expect(html).not.toMatch(/<script|style=/);
    // The request was logged without its query string, which carries the code.
    expect(logLines.some((line) => line.startsWith('GET /deploy 200'))).toBe(true);
    expect(logLines.join('\n')).not.toContain(code);
  });

  it('does not consume the code', async () => {
    const { server, origin } = await startServerWithAna();
    const { code, landingUrl } = await server.admin.createDeployment(ANA.loginId);
    await page(landingUrl);
    const redeemed = await fetch(`${origin}/api/v1/deployments/redeem`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code, installationId: 'installation-aaaaaaaa' }),
    });
    expect(redeemed.status).toBe(200);
  });

  it('says the link is broken when the code is missing, mistyped or for another server', async () => {
    const { server, origin } = await startServerWithAna();
    const { code } = await server.admin.createDeployment(ANA.loginId);
    const typo = code.slice(0, 20) + (code[20] === 'X' ? 'Y' : 'X') + code.slice(21);
    const foreign = encodeDeploymentCode('https://keyway.other.example', new Uint8Array(16));

    for (const url of [
      `${origin}/deploy`,
      `${origin}/deploy?code=`,
      buildLandingUrl(origin, typo),
      buildLandingUrl(origin, foreign),
      `${origin}/deploy?code=${encodeURIComponent('<script>alert(1)</script>')}`,
    ]) {
      const { status, headers, html } = await page(url);
      expect(status, url).toBe(400);
      expectPageHeaders(headers);
      expect(html).toContain('This link is broken');
      expect(html).not.toContain('<script>');
    }
  });

  it('serves its stylesheet and the downloads page', async () => {
    const { origin } = await startServerWithAna();
    const css = await fetch(`${origin}/assets/landing.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(await css.text()).toContain('.code');

    const downloads = await page(`${origin}/downloads`);
    expect(downloads.status).toBe(200);
    expectPageHeaders(downloads.headers);
    expect(downloads.html).toContain('ask them');
    expect(downloads.html).toMatch(/\.msi|\.dmg|\.AppImage/);
  });
});
