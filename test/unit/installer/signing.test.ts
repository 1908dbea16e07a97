import { describe, expect, it } from 'vitest';
import { announceSigning, signingPlan } from '../../../build/signing.mjs';

describe('code signing and notarisation read the environment only, and say what they do', () => {
  it('Windows: signs with WIN_CSC_LINK or CSC_LINK plus a password; else one clear SKIPPED line', () => {
    expect(signingPlan('win32', { WIN_CSC_LINK: '/secure/cert.p12', WIN_CSC_KEY_PASSWORD: 'x' })).toMatchObject({
      sign: true,
      message: 'Code signing (Windows): with the certificate from WIN_CSC_LINK.',
    });
    expect(signingPlan('win32', { CSC_LINK: 'base64…', CSC_KEY_PASSWORD: 'x' }).sign).toBe(true);
    const none = signingPlan('win32', {});
    expect(none.sign).toBe(false);
    expect(none.message).toMatch(/^Code signing \(Windows\): SKIPPED, WIN_CSC_LINK \(or CSC_LINK\) is not set/);
    expect(signingPlan('win32', { WIN_CSC_LINK: 'x' }).message).toMatch(/SKIPPED, WIN_CSC_KEY_PASSWORD/);
    expect(signingPlan('win32', { WIN_CSC_LINK: '  ', WIN_CSC_KEY_PASSWORD: 'x' }).sign).toBe(false);
  });

  it('macOS: signs with CSC_LINK or CSC_NAME, notarises with any complete set of Apple credentials', () => {
    expect(
      signingPlan('darwin', { CSC_LINK: 'x', APPLE_ID: 'a', APPLE_APP_SPECIFIC_PASSWORD: 'b', APPLE_TEAM_ID: 'c' }),
    ).toMatchObject({ sign: true, notarize: true });
    expect(
      signingPlan('darwin', {
        CSC_NAME: 'Developer ID',
        APPLE_API_KEY: 'k',
        APPLE_API_KEY_ID: 'i',
        APPLE_API_ISSUER: 's',
      }),
    ).toMatchObject({ sign: true, notarize: true });
    const partial = signingPlan('darwin', { APPLE_ID: 'a', APPLE_TEAM_ID: 'c' });
    expect(partial).toMatchObject({ sign: false, notarize: false });
    expect(partial.message).toContain('signing SKIPPED');
    expect(partial.message).toContain('notarisation SKIPPED');
  });

  it('never prints a secret', () => {
    const env = { WIN_CSC_LINK: 'c2VjcmV0', WIN_CSC_KEY_PASSWORD: 'hunter2', APPLE_APP_SPECIFIC_PASSWORD: 'abcd-efgh' };
    for (const platform of ['win32', 'darwin', 'linux']) {
      const { message } = signingPlan(platform, env);
      for (const secret of Object.values(env)) expect(message).not.toContain(secret);
    }
  });

  it('announces once per platform per build', () => {
    const lines: string[] = [];
    const print = (line: string) => lines.push(line);
    announceSigning('linux-test-once', {}, print);
    announceSigning('linux-test-once', {}, print);
    expect(lines).toHaveLength(1);
  });
});
