import { describe, expect, it } from 'vitest';
import { DeploymentConfig, KEYWAY_OIDC_CLIENT_ID } from '../../../protocol/api';
import { runCli } from '../../../server/cli/run-cli';
import { postJson, startTestServer, tempDir, cliDatabaseEnv } from './server-fixture';

async function cli(dataDir: string, ...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    // The test servers' database on this data dir (PostgreSQL under KEYWAY_TEST_ENGINE=postgres).
    env: { KEYWAY_DATA_DIR: dataDir, ...(await cliDatabaseEnv(dataDir)) },
    cwd: dataDir,
  });
  return { code, out, err };
}

const create = (dataDir: string, loginId: string, email: string) =>
  cli(
    dataDir,
    'create-user',
    '--login-id',
    loginId,
    '--email',
    email,
    '--display-name',
    loginId,
    '--password',
    'a long enough passphrase',
  );

describe('the admin CLI for unified login', () => {
  it('switches a user to OIDC and back, and their redeemed deployment carries it', async () => {
    const { dataDir, origin, server } = await startTestServer();
    expect((await create(dataDir, 'ana', 'ana@example.com')).code).toBe(0);

    const switched = await cli(dataDir, 'set-sign-in', '--user', 'ANA@example.com', '--method', 'oidc');
    expect(switched.err).toEqual([]);
    expect(switched.code).toBe(0);
    expect(switched.out).toEqual([`ana now signs in with unified login (OIDC at ${origin}/oidc).`]);
    expect((await cli(dataDir, 'set-sign-in', '--user', 'ana', '--method', 'oidc')).out).toEqual([
      `ana already signs in with unified login (OIDC at ${origin}/oidc).`,
    ]);
    expect((await cli(dataDir, 'list-users')).out[1]).toMatch(/^ana +ana@example\.com +ana +oidc$/);

    const { code } = await server.admin.createDeployment('ana');
    const redeemed = await postJson(origin, '/api/v1/deployments/redeem', {
      code,
      installationId: 'installation-aaaaaaaa',
    });
    expect(redeemed.status).toBe(200);
    expect(DeploymentConfig.parse(redeemed.body).signIn).toMatchObject({
      method: 'oidc',
      issuer: `${origin}/oidc`,
      clientId: KEYWAY_OIDC_CLIENT_ID,
    });

    const back = await cli(dataDir, 'set-sign-in', '--user', 'ana', '--method', 'password');
    expect(back.out).toEqual(['ana now signs in with a password.']);
  });

  it('switches a domain, lists it, and shows which users it moves', async () => {
    const dataDir = tempDir();
    await create(dataDir, 'ana', 'ana@example.com');
    await create(dataDir, 'bob', 'bob@corp.example');

    const switched = await cli(dataDir, 'set-domain-sign-in', '--domain', 'Corp.Example', '--method', 'oidc');
    expect(switched.code).toBe(0);
    expect(switched.out).toEqual([
      'Everyone with an address in corp.example (1 user now, and anyone added later) now signs in with unified login (OIDC).',
    ]);
    expect((await cli(dataDir, 'list-domains')).out).toEqual(['DOMAIN        SIGN-IN', 'corp.example  oidc']);
    expect((await cli(dataDir, 'list-users')).out).toEqual([
      'LOGIN ID  E-MAIL            DISPLAY NAME  SIGN-IN                     ALIASES',
      'ana       ana@example.com   ana           password',
      'bob       bob@corp.example  bob           oidc (domain corp.example)',
    ]);

    // Setting the user alone back to password does not beat the domain; the CLI says so.
    const user = await cli(dataDir, 'set-sign-in', '--user', 'bob', '--method', 'password');
    expect(user.out[0]).toBe('bob already signs in with a password.');
    expect(user.out[1]).toMatch(/^Note: the domain corp\.example is switched to unified login, so bob still signs in/);

    const back = await cli(dataDir, 'set-domain-sign-in', '--domain', 'corp.example', '--method', 'password');
    expect(back.out[0]).toBe(
      'Everyone with an address in corp.example (1 user now, and anyone added later) now signs in with a password.',
    );
    expect((await cli(dataDir, 'list-domains')).out[0]).toMatch(/^No domain is switched to unified login\./);
  });

  it('names the missing or malformed option and the unknown user', async () => {
    const dataDir = tempDir();
    await create(dataDir, 'ana', 'ana@example.com');

    const noMethod = await cli(dataDir, 'set-sign-in', '--user', 'ana');
    expect(noMethod.code).toBe(2);
    expect(noMethod.err[0]).toBe('error: --method is required.');

    const badMethod = await cli(dataDir, 'set-sign-in', '--user', 'ana', '--method', 'saml');
    expect(badMethod.code).toBe(2);
    expect(badMethod.err[0]).toBe('error: --method must be oidc or password.');

    const nobody = await cli(dataDir, 'set-sign-in', '--user', 'nobody', '--method', 'oidc');
    expect(nobody.code).toBe(1);
    expect(nobody.err).toEqual(['error: No user has the login ID, e-mail address or alias "nobody".']);

    for (const domain of ['@corp.example', 'https://corp.example', 'corp', 'corp..example', '-corp.example']) {
      const bad = await cli(dataDir, 'set-domain-sign-in', `--domain=${domain}`, '--method', 'oidc');
      expect(bad.code, domain).toBe(2);
      expect(bad.err[0]).toBe('error: --domain must be a domain name such as corp.example (no "@", no scheme).');
    }
    const noDomain = await cli(dataDir, 'set-domain-sign-in', '--method', 'oidc');
    expect(noDomain.err[0]).toBe('error: --domain is required.');
  });
});
