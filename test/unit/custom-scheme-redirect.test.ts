import { describe, expect, it } from 'vitest';
import { KEYWAY_OIDC_CUSTOM_REDIRECT } from '../../protocol/api';
import { CustomSchemeRedirect } from '../../electron/core/oidc/custom-scheme-redirect';

// The private-use scheme (RFC 8252 §7.1) is a link any local program can hand to Keyway. Like the
// loopback listener, it must end a sign-in only with a callback that carries that sign-in's `state`.
const STATE = 'k3Yw4y-state-of-this-sign-in';
const callback = (query: string): string => `${KEYWAY_OIDC_CUSTOM_REDIRECT}?${query}`;

describe('the private-use scheme redirect', () => {
  it('ignores a callback with another state, or none, and keeps waiting for the real one', async () => {
    const redirect = new CustomSchemeRedirect();
    const controller = new AbortController();
    const waiting = redirect.wait(60_000, controller.signal, STATE);

    expect(redirect.deliver(callback('error=access_denied&state=someone-else'))).toBe(false);
    expect(redirect.deliver(callback('error=access_denied'))).toBe(false);
    expect(redirect.deliver(callback('code=attacker&state='))).toBe(false);

    expect(redirect.deliver(callback(`code=real-code&state=${STATE}`))).toBe(true);
    const url = await waiting;
    expect(url.searchParams.get('code')).toBe('real-code');
  });

  it('takes nothing when no sign-in is waiting, and refuses links of other schemes', () => {
    const redirect = new CustomSchemeRedirect();
    expect(redirect.deliver(callback(`code=x&state=${STATE}`))).toBe(false);
    const controller = new AbortController();
    const waiting = redirect.wait(60_000, controller.signal, STATE);
    waiting.catch(() => undefined);
    expect(redirect.deliver(`keyway://deploy?code=x&state=${STATE}`)).toBe(false);
    controller.abort();
  });

  it('a cancelled wait ends with oidc_cancelled, and a late callback then finds nobody waiting', async () => {
    const redirect = new CustomSchemeRedirect();
    const controller = new AbortController();
    const waiting = redirect.wait(60_000, controller.signal, STATE);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'oidc_cancelled' });
    expect(redirect.deliver(callback(`code=late&state=${STATE}`))).toBe(false);
  });

  it('takes a callback only on the path its flow waits on (unified login’s or the passkey step’s)', async () => {
    const redirect = new CustomSchemeRedirect();
    const controller = new AbortController();
    const passkey = redirect.wait(60_000, controller.signal, STATE, '/passkey/callback');
    // Unified login's callback with the right state is not the passkey step's answer, nor is another path.
    expect(redirect.deliver(callback(`code=oidc-code&state=${STATE}`))).toBe(false);
    expect(redirect.deliver(`dev.keyway.app:/passkey/callback/x?code=x&state=${STATE}`)).toBe(false);
    expect(redirect.deliver(`dev.keyway.app:/passkey/callback?code=real&state=${STATE}`)).toBe(true);
    expect((await passkey).searchParams.get('code')).toBe('real');

    // And the reverse: unified login (the default path) ignores the passkey step's path.
    const oidc = redirect.wait(60_000, controller.signal, STATE);
    expect(redirect.deliver(`dev.keyway.app:/passkey/callback?code=x&state=${STATE}`)).toBe(false);
    expect(redirect.deliver(callback(`code=oidc-code&state=${STATE}`))).toBe(true);
    expect((await oidc).searchParams.get('code')).toBe('oidc-code');
  });
});
