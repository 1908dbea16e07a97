import { randomBytes } from 'node:crypto';
import { describe, it } from 'vitest';
import { encodeDeploymentCode } from '../../../protocol/deployment-code';
import { expectProblem, startTestServer, type JsonResponse } from './server-fixture';

/** A redemption attempt (limited per source address) claiming to come from `forwardedFor`. */
async function redeemFrom(origin: string, forwardedFor: string): Promise<JsonResponse> {
  const response = await fetch(`${origin}/api/v1/deployments/redeem`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
    body: JSON.stringify({
      code: encodeDeploymentCode(origin, randomBytes(16)),
      installationId: 'installation-proxy-test',
    }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: JSON.parse(text) as unknown };
}

describe('which source address the per-source limits count', () => {
  it('without trusted proxies, a forged X-Forwarded-For does not buy a fresh budget', async () => {
    const { origin } = await startTestServer({ limits: { redeemPerSourcePerMinute: 2 } });
    expectProblem(await redeemFrom(origin, '203.0.113.1'), 'deployment_unknown', 404);
    expectProblem(await redeemFrom(origin, '203.0.113.2'), 'deployment_unknown', 404);
    // An attacker rotating the header is still one peer: 127.0.0.1.
    expectProblem(await redeemFrom(origin, '203.0.113.3'), 'rate_limited', 429);
  });

  it('behind a trusted proxy, each client behind it has its own budget', async () => {
    const { origin } = await startTestServer({
      limits: { redeemPerSourcePerMinute: 2 },
      trustedProxies: ['127.0.0.1'],
    });
    expectProblem(await redeemFrom(origin, '203.0.113.7'), 'deployment_unknown', 404);
    expectProblem(await redeemFrom(origin, '203.0.113.7'), 'deployment_unknown', 404);
    expectProblem(await redeemFrom(origin, '203.0.113.7'), 'rate_limited', 429);
    // Another client of the same proxy is not throttled for the first one's attempts.
    expectProblem(await redeemFrom(origin, '203.0.113.8'), 'deployment_unknown', 404);
    // A client cannot prepend its own entries: only the hop the trusted proxy appended counts.
    expectProblem(await redeemFrom(origin, '198.51.100.9, 203.0.113.7'), 'rate_limited', 429);
  });
});
