import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { describe, expect, it } from 'vitest';
import { startLoopbackRedirect, stateMatches } from '../../electron/core/oidc/loopback-redirect';

const STATE = 'state-of-this-sign-in';

/** Does a TCP connection to host:port open? (A refusal or an unreachable address both say no.) */
function connects(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(2_000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

describe('the RFC 8252 loopback redirect listener', () => {
  it('listens on 127.0.0.1 on an ephemeral port and takes exactly one callback', async () => {
    const loopback = await startLoopbackRedirect({ timeoutMs: 5_000, expectedState: STATE });
    expect(loopback.redirectUri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    expect(new URL(loopback.redirectUri).port).not.toBe('0');

    // Anything but /callback is not ours and does not end the wait.
    expect((await fetch(new URL('/favicon.ico', loopback.redirectUri))).status).toBe(404);

    const page = await fetch(`${loopback.redirectUri}?code=abc&state=${STATE}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('return to Keyway');
    const url = await loopback.callback;
    expect(url.searchParams.get('code')).toBe('abc');

    // The listener is gone: a second callback cannot be delivered.
    await expect(fetch(`${loopback.redirectUri}?code=again&state=${STATE}`)).rejects.toThrow();
  });

  it('is bound to 127.0.0.1 only: not reachable on ::1, another 127/8 address, or any other interface', async () => {
    const loopback = await startLoopbackRedirect({ timeoutMs: 10_000, expectedState: STATE });
    try {
      const port = Number(new URL(loopback.redirectUri).port);
      expect(loopback.boundAddress).toBe('127.0.0.1');
      expect(await connects('127.0.0.1', port)).toBe(true);
      // On Linux all of 127/8 is loopback: a listener on 0.0.0.0 answers 127.0.0.2 too; ours must not.
      // A listener on "::" (dual stack) answers ::1 and every address; ours must not.
      const others = [
        '127.0.0.2',
        '::1',
        ...Object.values(networkInterfaces())
          .flatMap((addresses) => addresses ?? [])
          .filter((address) => !address.internal)
          .map((address) => address.address),
      ];
      for (const host of others) expect(await connects(host, port), host).toBe(false);
    } finally {
      loopback.close();
    }
  });

  it('ignores a callback with another state (any local page can send one) and still takes the real one', async () => {
    const loopback = await startLoopbackRedirect({ timeoutMs: 10_000, expectedState: STATE });
    let settled = false;
    void loopback.callback.then(
      () => (settled = true),
      () => (settled = true),
    );

    // An attacker's page fires callbacks at the port: wrong state, no state, an error with a wrong state.
    for (const query of ['code=evil&state=guessed', 'code=evil', 'error=access_denied&state=', 'state=STATE-of']) {
      const answer = await fetch(`${loopback.redirectUri}?${query}`);
      expect(answer.status, query).toBe(400);
      expect(await answer.text()).toContain('Not this sign-in');
    }
    expect(settled).toBe(false);

    // The browser's real redirect still ends the wait, with the real code.
    const page = await fetch(`${loopback.redirectUri}?code=real&state=${STATE}`);
    expect(page.status).toBe(200);
    expect((await loopback.callback).searchParams.get('code')).toBe('real');
  });

  it('compares the state exactly', () => {
    expect(stateMatches(STATE, STATE)).toBe(true);
    expect(stateMatches(null, STATE)).toBe(false);
    expect(stateMatches('', '')).toBe(false);
    expect(stateMatches(`${STATE}x`, STATE)).toBe(false);
    expect(stateMatches(STATE.toUpperCase(), STATE)).toBe(false);
  });

  it('tells the browser the sign-in did not complete when the provider sent an error', async () => {
    const loopback = await startLoopbackRedirect({ timeoutMs: 5_000, expectedState: STATE });
    const page = await fetch(`${loopback.redirectUri}?error=access_denied&state=${STATE}`);
    expect(await page.text()).toContain('did not complete');
    expect((await loopback.callback).searchParams.get('error')).toBe('access_denied');
  });

  it('gives up with oidc_timeout when the browser never comes back, and with oidc_cancelled on Cancel', async () => {
    const slow = await startLoopbackRedirect({ timeoutMs: 50, expectedState: STATE });
    await expect(slow.callback).rejects.toMatchObject({ code: 'oidc_timeout' });
    await expect(fetch(slow.redirectUri)).rejects.toThrow();

    const abort = new AbortController();
    const cancelled = await startLoopbackRedirect({ timeoutMs: 5_000, expectedState: STATE, signal: abort.signal });
    abort.abort();
    await expect(cancelled.callback).rejects.toMatchObject({ code: 'oidc_cancelled' });
  });
});
