import { describe, expect, it } from 'vitest';
import { CustomSchemeRedirect } from '../../electron/core/oidc/custom-scheme-redirect';
import { runPasskeyBrowserStep, type PasskeyBrowserDeps } from '../../electron/core/oidc/passkey-browser-step';
import { PasskeyReturnUri, PasskeyState } from '../../protocol/mfa';

// The passkey browser step's way back, over a real loopback listener: a "server" that records what
// Keyway sent, and a "browser" that plays what a page on this computer (hostile or not) could send.
const ORIGIN = 'https://keyway.example.com';
const CODE = 'single-use-result-code-0123456789';

interface Sent {
  returnTo: string;
  state: string;
}

function harness(
  browse: (stepUrl: string, sent: Sent) => Promise<void>,
  options: Partial<PasskeyBrowserDeps> = {},
): { deps: PasskeyBrowserDeps; sent: Sent[]; abort: AbortController; browsed: Promise<void>[] } {
  const sent: Sent[] = [];
  const browsed: Promise<void>[] = [];
  const deps: PasskeyBrowserDeps = {
    browser: {
      open: (url) => {
        const last = sent.at(-1);
        if (last) browsed.push(browse(url, last));
        return Promise.resolve();
      },
    },
    customScheme: new CustomSchemeRedirect(),
    timeoutMs: 20_000,
    loopbackAllowed: true,
    ...options,
  };
  return { deps, sent, abort: new AbortController(), browsed };
}

const run = (h: ReturnType<typeof harness>, purpose: 'signIn' | 'add' = 'signIn'): Promise<string | null> =>
  runPasskeyBrowserStep(
    deps(h),
    { origin: ORIGIN, purpose, signal: h.abort.signal, onUrl: () => undefined },
    (returnTo, state) => {
      h.sent.push({ returnTo, state });
      return Promise.resolve({ stepUrl: `${ORIGIN}/mfa/passkey/step/token` });
    },
  );
const deps = (h: ReturnType<typeof harness>): PasskeyBrowserDeps => h.deps;

describe('the passkey browser step over the loopback listener', () => {
  it('sends the server a return URI and a state it accepts, and takes the code that comes back with them', async () => {
    const h = harness(async (_url, { returnTo, state }) => {
      await fetch(`${returnTo}?state=${state}&code=${CODE}`);
    });
    expect(await run(h)).toBe(CODE);
    const [sent] = h.sent;
    expect(PasskeyReturnUri.safeParse(sent?.returnTo).success).toBe(true);
    expect(sent?.returnTo).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/passkey-callback$/);
    expect(PasskeyState.safeParse(sent?.state).success).toBe(true);
  });

  it('ignores a wrong or missing state, and another path, and keeps waiting for its own answer', async () => {
    const answers: number[] = [];
    const h = harness(async (_url, { returnTo, state }) => {
      const listener = new URL(returnTo);
      answers.push((await fetch(`${returnTo}?state=someone-else-0000000000&code=${CODE}x`)).status);
      answers.push((await fetch(`${returnTo}?code=${CODE}x`)).status);
      // Unified login's path on the same port is not this step's.
      answers.push((await fetch(`${listener.origin}/callback?state=${state}&code=${CODE}x`)).status);
      answers.push((await fetch(`${returnTo}?state=${state}&code=${CODE}`)).status);
    });
    expect(await run(h)).toBe(CODE);
    await Promise.all(h.browsed);
    expect(answers).toEqual([400, 400, 404, 200]);
  });

  it('refuses a callback with the right state but two outcomes, and maps an error to its message', async () => {
    const both = harness(async (_url, { returnTo, state }) => {
      await fetch(`${returnTo}?state=${state}&code=${CODE}&error=passkey_refused`);
    });
    await expect(run(both)).rejects.toMatchObject({ code: 'passkey_return_invalid' });

    const refused = harness(async (_url, { returnTo, state }) => {
      await fetch(`${returnTo}?state=${state}&error=passkey_unavailable`);
    });
    await expect(run(refused)).rejects.toMatchObject({ code: 'passkey_unavailable' });
  });

  it('adding a passkey comes back with result=added', async () => {
    const h = harness(async (_url, { returnTo, state }) => {
      await fetch(`${returnTo}?state=${state}&result=added`);
    });
    expect(await run(h, 'add')).toBeNull();
  });

  it('Cancel ends the wait and closes the listener', async () => {
    let listener = '';
    const h = harness((_url, { returnTo }) => {
      listener = returnTo;
      h.abort.abort();
      return Promise.resolve();
    });
    await expect(run(h)).rejects.toMatchObject({ code: 'oidc_cancelled' });
    await expect(fetch(`${listener}?state=x&code=${CODE}`)).rejects.toThrow();
  });

  it('uses the private-use scheme when no loopback listener may run', async () => {
    const custom = new CustomSchemeRedirect();
    const h = harness(
      (_url, { returnTo, state }) => {
        expect(custom.deliver(`dev.keyway.app:/oauth/callback?state=${state}&code=${CODE}`)).toBe(false);
        expect(custom.deliver(`${returnTo}?state=${state}&code=${CODE}`)).toBe(true);
        return Promise.resolve();
      },
      { loopbackAllowed: false, customScheme: custom },
    );
    expect(await run(h)).toBe(CODE);
    expect(h.sent[0]?.returnTo).toBe('dev.keyway.app:/passkey/callback');
  });

  it('opens nothing when the server names a step page on another site', async () => {
    let opened = false;
    const h = harness(() => {
      opened = true;
      return Promise.resolve();
    });
    await expect(
      runPasskeyBrowserStep(
        h.deps,
        { origin: ORIGIN, purpose: 'signIn', signal: h.abort.signal, onUrl: () => undefined },
        () => Promise.resolve({ stepUrl: 'https://evil.example/mfa/passkey/step/token' }),
      ),
    ).rejects.toMatchObject({ code: 'server_bad_response' });
    expect(opened).toBe(false);
  });
});
