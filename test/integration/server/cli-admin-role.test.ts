import { describe, expect, it } from 'vitest';
import { cli } from './cli-run';
import { ANA, startServerWithAna } from './server-fixture';

describe('grant-admin / revoke-admin', () => {
  it('grants and revokes the console role, once each, and names an unknown user', async () => {
    const test = await startServerWithAna();
    const granted = await cli(test.dataDir, {}, 'grant-admin', '--user', ANA.email);
    expect(granted).toMatchObject({ code: 0, err: [] });
    expect(granted.out).toEqual([
      `ana is now an admin: they sign in to ${test.origin}/admin with their password and an authenticator app.`,
    ]);
    expect((await cli(test.dataDir, {}, 'grant-admin', '--user', 'ana')).out).toEqual(['ana was already an admin.']);
    expect(await test.server.admin.listAdmins()).toEqual(['ana']);
    const revoked = await cli(test.dataDir, {}, 'revoke-admin', '--user', 'ana');
    expect(revoked.out).toEqual(['ana is no longer an admin; their admin console sessions have ended.']);
    expect((await cli(test.dataDir, {}, 'revoke-admin', '--user', 'ana')).out).toEqual(['ana was not an admin.']);
    expect(await test.server.admin.listAdmins()).toEqual([]);
    const unknown = await cli(test.dataDir, {}, 'grant-admin', '--user', 'nobody');
    expect(unknown.code).not.toBe(0);
    expect(unknown.err.join('\n')).toContain('No user has the login ID, e-mail address or alias "nobody".');
    const missing = await cli(test.dataDir, {}, 'grant-admin');
    expect(missing.code).not.toBe(0);
    expect(missing.err.join('\n')).toContain('--user is required.');
  });
});
