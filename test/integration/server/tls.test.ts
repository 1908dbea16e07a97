import { request } from 'node:https';
import { describe, expect, it } from 'vitest';
import { parseDeploymentInput } from '../../../protocol/deployment-link';
import { selfSignedCertificate } from '../../support/tls';
import { ANA, startServerWithAna } from './server-fixture';

function get(url: string, ca: string): Promise<{ status: number; body: string; hsts: unknown }> {
  return new Promise((resolve, reject) => {
    request(url, { ca }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, body, hsts: response.headers['strict-transport-security'] }),
      );
    })
      .on('error', reject)
      .end();
  });
}

describe('https', () => {
  it('serves https directly and makes https deployment links', async () => {
    const tls = selfSignedCertificate();
    const { server, origin } = await startServerWithAna({ tls });
    expect(origin).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);

    const { landingUrl, code } = await server.admin.createDeployment(ANA.loginId);
    expect(landingUrl.startsWith(`${origin}/deploy?code=`)).toBe(true);
    expect(parseDeploymentInput(code).origin).toBe(origin);

    const landing = await get(landingUrl, tls.cert);
    expect(landing.status).toBe(200);
    expect(landing.body).toContain(code);
  });

  it('tells browsers to use https only (HSTS) on every page, the OpenID Provider and error replies; never over plain http', async () => {
    const tls = selfSignedCertificate();
    const { origin } = await startServerWithAna({ tls });
    for (const route of [
      '/account',
      '/oidc/.well-known/openid-configuration',
      '/oidc/auth?client_id=keyway-desktop',
      '/no-such-page',
    ]) {
      const response = await get(`${origin}${route}`, tls.cert);
      expect(response.hsts, route).toBe('max-age=31536000');
    }
    const plain = await startServerWithAna();
    const response = await fetch(`${plain.origin}/account`);
    expect(response.headers.get('strict-transport-security')).toBeNull();
  });
});
