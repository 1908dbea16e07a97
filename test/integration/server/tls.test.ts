import { request } from 'node:https';
import { describe, expect, it } from 'vitest';
import { parseDeploymentInput } from '../../../protocol/deployment-link';
import { selfSignedCertificate } from '../../support/tls';
import { ANA, startServerWithAna } from './server-fixture';

function get(url: string, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, { ca }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
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

    const { landingUrl, code } = server.admin.createDeployment(ANA.loginId);
    expect(landingUrl.startsWith(`${origin}/deploy?code=`)).toBe(true);
    expect(parseDeploymentInput(code).origin).toBe(origin);

    const landing = await get(landingUrl, tls.cert);
    expect(landing.status).toBe(200);
    expect(landing.body).toContain(code);
  });
});
