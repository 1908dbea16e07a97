import { randomBytes } from 'node:crypto';
import { storedBytes } from '../../support/stored-data';
import { base32crockford } from '@scure/base';
import { describe, expect, it } from 'vitest';
import { DeploymentConfig } from '../../../protocol/api';
import { encodeDeploymentCode, normalizeCodeText, parseDeploymentCode } from '../../../protocol/deployment-code';
import { ANA, expectProblem, postJson, startServerWithAna } from './server-fixture';

const REDEEM = '/api/v1/deployments/redeem';
const INSTALLATION = 'installation-aaaaaaaa';
const OTHER_INSTALLATION = 'installation-bbbbbbbb';

function redeem(origin: string, code: string, installationId = INSTALLATION) {
  return postJson(origin, REDEEM, { code, installationId });
}

describe('POST /api/v1/deployments/redeem', () => {
  it('returns the user configuration for a fresh code', async () => {
    const { server, origin } = await startServerWithAna();
    const { code } = await server.admin.createDeployment(ANA.loginId);

    const response = await redeem(origin, code);

    expect(response.status).toBe(200);
    const config = DeploymentConfig.parse(response.body);
    expect(config).toEqual({
      server: { name: 'Keyway reference server', origin },
      user: { loginId: ANA.loginId, displayName: ANA.displayName, email: ANA.email },
      signIn: { method: 'password' },
      license: config.license,
      features: { forgotPassword: false, manualLogin: true },
    });
    expect(config.license.text).toMatch(/license agreement/);
  });

  it('accepts the code in lower case, ungrouped', async () => {
    const { server, origin } = await startServerWithAna();
    const { code } = await server.admin.createDeployment(ANA.loginId);
    expect((await redeem(origin, normalizeCodeText(code).toLowerCase())).status).toBe(200);
  });

  it('is single-use, but answers the same installation again within the grace period', async () => {
    const test = await startServerWithAna();
    const { code } = await test.server.admin.createDeployment(ANA.loginId);
    const first = await redeem(test.origin, code);
    expect(first.status).toBe(200);

    const again = await redeem(test.origin, code);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);

    expectProblem(await redeem(test.origin, code, OTHER_INSTALLATION), 'deployment_used', 409);

    test.advance(11 * 60 * 1000);
    expectProblem(await redeem(test.origin, code), 'deployment_used', 409);
  });

  it('refuses an expired code', async () => {
    const test = await startServerWithAna();
    const { code } = await test.server.admin.createDeployment(ANA.loginId, { ttlSeconds: 3600 });
    test.advance(3600 * 1000);
    expectProblem(await redeem(test.origin, code), 'deployment_expired', 410);
  });

  it('expires after seven days by default', async () => {
    const test = await startServerWithAna();
    const { code, expiresAt } = await test.server.admin.createDeployment(ANA.loginId);
    expect(expiresAt.getTime() - test.now()).toBe(7 * 24 * 60 * 60 * 1000);
    test.advance(7 * 24 * 60 * 60 * 1000 - 1);
    expect((await redeem(test.origin, code)).status).toBe(200);
  });

  it('does not know a well-formed code with a secret it never issued', async () => {
    const { origin } = await startServerWithAna();
    const problem = expectProblem(
      await redeem(origin, encodeDeploymentCode(origin, randomBytes(16))),
      'deployment_unknown',
      404,
    );
    expect(problem.detail).toMatch(/does not know/);
  });

  it('does not accept a code made for another server, even with a real secret', async () => {
    const { server, origin } = await startServerWithAna();
    const { code } = await server.admin.createDeployment(ANA.loginId);
    const forged = encodeDeploymentCode('https://keyway.other.example', parseDeploymentCode(code).secret);
    expectProblem(await redeem(origin, forged), 'deployment_unknown', 404);
    // The real code still works: the forgery did not consume it.
    expect((await redeem(origin, code)).status).toBe(200);
  });

  it('catches a typo with the checksum and malformed input by its shape', async () => {
    const { server, origin } = await startServerWithAna();
    const { code } = await server.admin.createDeployment(ANA.loginId);
    const at = 20;
    const typo = code.slice(0, at) + (code[at] === 'X' ? 'Y' : 'X') + code.slice(at + 1);

    expectProblem(await redeem(origin, typo), 'code_checksum', 400);
    expectProblem(await redeem(origin, 'not a code!'), 'code_malformed', 400);
    expectProblem(await redeem(origin, 'ABCDE'), 'code_malformed', 400);
    const invalid = expectProblem(await postJson(origin, REDEEM, { code }), 'invalid_input', 400);
    expect(invalid.detail).toContain('installationId');
  });

  it('lets exactly one of several concurrent redemptions win', async () => {
    const { server, origin } = await startServerWithAna();
    const { code } = await server.admin.createDeployment(ANA.loginId);

    const responses = await Promise.all(
      ['a', 'b', 'c', 'd', 'e'].map((letter) => redeem(origin, code, `installation-${letter.repeat(8)}`)),
    );

    expect(responses.filter((response) => response.status === 200)).toHaveLength(1);
    for (const response of responses.filter((r) => r.status !== 200)) {
      expectProblem(response, 'deployment_used', 409);
    }
  });

  it('limits attempts per code, whatever the installation', async () => {
    const { origin } = await startServerWithAna();
    const code = encodeDeploymentCode(origin, randomBytes(16));
    for (let attempt = 1; attempt <= 5; attempt++) {
      expectProblem(await redeem(origin, code, `installation-${attempt}-xxxxxxxx`), 'deployment_unknown', 404);
    }
    const limited = await redeem(origin, code);
    const problem = expectProblem(limited, 'rate_limited', 429);
    expect(problem.retryAfter).toBeGreaterThan(14 * 60);
    expect(limited.headers.get('retry-after')).toBe(String(problem.retryAfter));
  });

  it('limits attempts per source address', async () => {
    const { origin } = await startServerWithAna();
    for (let attempt = 1; attempt <= 20; attempt++) {
      expectProblem(await redeem(origin, encodeDeploymentCode(origin, randomBytes(16))), 'deployment_unknown', 404);
    }
    const limited = await redeem(origin, encodeDeploymentCode(origin, randomBytes(16)));
    const problem = expectProblem(limited, 'rate_limited', 429);
    expect(problem.retryAfter).toBeGreaterThan(0);
    expect(problem.retryAfter).toBeLessThanOrEqual(60);
    expect(limited.headers.get('retry-after')).toBe(String(problem.retryAfter));
  });

  it('never writes the code or its secret to the database, only the hash', async () => {
    const { server, origin, dataDir } = await startServerWithAna();
    const { code } = await server.admin.createDeployment(ANA.loginId);
    expect((await redeem(origin, code)).status).toBe(200);
    const secret = Buffer.from(parseDeploymentCode(code).secret);
    const needles = [
      Buffer.from(code),
      Buffer.from(normalizeCodeText(code)),
      Buffer.from(normalizeCodeText(code).toLowerCase()),
      secret,
      Buffer.from(secret.toString('hex')),
      Buffer.from(secret.toString('base64url')),
      Buffer.from(base32crockford.encode(secret)),
    ];
    // Everything the server stored, on either engine (SQLite files, or every PostgreSQL row).
    const check = async () => {
      const stored = await storedBytes({ dataDir });
      expect(stored.includes(ANA.email)).toBe(true);
      for (const needle of needles) expect(stored.includes(needle)).toBe(false);
    };
    await check(); // while running (on SQLite the WAL holds the latest writes)
    await server.close();
    await check(); // after close (on SQLite the WAL is folded into the main file)
  });
});
