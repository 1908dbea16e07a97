import { describe, expect, it } from 'vitest';
import {
  initialState,
  transition,
  type OnboardingEvent,
  type OnboardingState,
} from '../../electron/core/onboarding/machine';
import type { ProfileSummary } from '../../electron/core/onboarding/states';
import { toView } from '../../electron/core/onboarding/view';
import type { Policy } from '../../electron/core/ports';
import type { DiscoveryResponse } from '../../protocol/api';

const ORIGIN = 'https://keyway.example.com';
const oidc = { method: 'oidc', issuer: `${ORIGIN}/oidc`, clientId: 'keyway-desktop' } as const;
const discovery = (signIn: DiscoveryResponse['signIn'] = { method: 'password' }, version = '1'): DiscoveryResponse => ({
  server: { name: 'Example Corp', origin: ORIGIN },
  signIn,
  features: { forgotPassword: false, manualLogin: true },
  license: { version, text: 'Terms.' },
});

function run(events: OnboardingEvent[], options: { policy?: Policy; profiles?: ProfileSummary[] } = {}) {
  let state: OnboardingState = initialState({ policy: options.policy ?? {}, profiles: [] });
  let effects: unknown[] = [];
  for (const event of [{ type: 'started', profiles: options.profiles ?? [], resume: null } as const, ...events]) {
    const step = transition(state, event);
    state = step.state;
    effects = [...step.effects];
  }
  return { state, view: toView(state), effects };
}

const manual = (host: string, loginId: string): OnboardingEvent[] => [
  { type: 'manualLogin.opened' },
  { type: 'manualLogin.changed', host, loginId },
  { type: 'next.pressed' },
];

describe('manual login and home-realm discovery', () => {
  it('opens Manual Login from Welcome, unless policy turns it off', () => {
    expect(run([{ type: 'manualLogin.opened' }]).view).toMatchObject({ screen: 'manualLogin', host: '', loginId: '' });
    const refused = run([{ type: 'manualLogin.opened' }], { policy: { disableManualLogin: true } });
    expect(refused.view).toMatchObject({ screen: 'welcome', error: { code: 'manual_login_disabled' } });
  });

  it('turns a bare host into https and runs discovery for the typed login ID (a UPN works)', () => {
    const { view, effects } = run(manual('Keyway.Example.com', 'ana@corp.onmicrosoft.com'));
    expect(view).toMatchObject({ screen: 'progress', step: 'discovering', serverHost: 'keyway.example.com' });
    expect(effects).toEqual([{ type: 'discover', origin: ORIGIN, loginId: 'ana@corp.onmicrosoft.com' }]);
  });

  it.each([
    ['plain http to a real host', 'http://keyway.example.com', 'server_insecure'],
    ['a javascript: URL', 'javascript://alert(1)', 'link_wrong_scheme'],
    ['a host with a path trick', 'evil.example@keyway.example.com', 'link_malformed'],
  ])('refuses %s on Manual Login', (_name, host, code) => {
    expect(run(manual(host, 'ana')).view).toMatchObject({ screen: 'manualLogin', error: { code } });
  });

  it('refuses a server outside the allow-list and a blank login ID', () => {
    expect(
      run(manual('keyway.example.com', 'ana'), { policy: { allowedServers: ['*.corp.example'] } }).view,
    ).toMatchObject({
      error: { code: 'server_not_allowed' },
    });
    expect(run(manual('keyway.example.com', '   ')).view).toMatchObject({ error: { code: 'invalid_input' } });
  });

  it('password users: license for a new server, then Password; Back returns to the login-ID page', () => {
    const atLicense = run([
      ...manual('keyway.example.com', 'ana'),
      { type: 'discovery.succeeded', response: discovery() },
    ]);
    expect(atLicense.view).toMatchObject({ screen: 'license', version: '1' });
    const atPassword = run([
      ...manual('keyway.example.com', 'ana'),
      { type: 'discovery.succeeded', response: discovery() },
      { type: 'license.accepted' },
    ]);
    expect(atPassword.view).toMatchObject({ screen: 'password', loginId: 'ana' });
    const back = transition(atPassword.state, { type: 'back.pressed' });
    expect(toView(back.state)).toMatchObject({
      screen: 'manualLogin',
      host: 'keyway.example.com',
      loginId: 'ana',
      error: null,
    });
    // Next again runs discovery again.
    expect(transition(back.state, { type: 'next.pressed' }).effects).toEqual([
      { type: 'discover', origin: ORIGIN, loginId: 'ana' },
    ]);
  });

  it('unified-login users go to the system browser with the e-mail as login_hint', () => {
    const { view, effects } = run([
      ...manual('keyway.example.com', 'ana@example.com'),
      { type: 'discovery.succeeded', response: discovery(oidc) },
      { type: 'license.accepted' },
    ]);
    expect(view).toMatchObject({
      screen: 'browserSignIn',
      identityProviderHost: 'keyway.example.com',
      loginId: 'ana@example.com',
      opened: false,
    });
    expect(effects).toMatchObject([
      {
        type: 'oidcSignIn',
        loginHint: 'ana@example.com',
        provider: { issuer: `${ORIGIN}/oidc`, clientId: 'keyway-desktop' },
      },
    ]);
  });

  it('skips the license for a known server whose license the user already accepted', () => {
    const known: ProfileSummary = {
      origin: ORIGIN,
      serverName: 'Example Corp',
      loginId: 'ana',
      displayName: 'Ana',
      method: 'password',
      acceptedLicenseVersion: '1',
    };
    const { view } = run(
      [...manual('keyway.example.com', 'ana'), { type: 'discovery.succeeded', response: discovery() }],
      { profiles: [known] },
    );
    expect(view).toMatchObject({ screen: 'password', displayName: 'Ana' });
  });

  it('refuses password sign-in when policy forces unified login', () => {
    const { view } = run(
      [...manual('keyway.example.com', 'ana'), { type: 'discovery.succeeded', response: discovery() }],
      {
        policy: { forceUnifiedLogin: true },
      },
    );
    expect(view).toMatchObject({ screen: 'manualLogin', error: { code: 'unified_login_required' } });
  });

  it('shows a discovery failure on the page where the user typed', () => {
    const { view } = run([
      ...manual('keyway.example.com', 'ana'),
      { type: 'discovery.failed', error: { code: 'server_unreachable', message: 'Down.' } },
    ]);
    expect(view).toMatchObject({ screen: 'manualLogin', error: { code: 'server_unreachable' } });
  });

  it('starts on the login-ID page of a server preset by policy, with no way back to the paste step', () => {
    const { view } = run([], { policy: { presetServer: ORIGIN } });
    expect(view).toMatchObject({ screen: 'loginId', serverHost: 'keyway.example.com', canGoBack: false });
  });
});

describe('waiting for the browser', () => {
  const waiting = () =>
    run([
      ...manual('keyway.example.com', 'ana@example.com'),
      { type: 'discovery.succeeded', response: discovery(oidc) },
      { type: 'license.accepted' },
    ]).state;

  it('offers "Open the browser again" once the URL is known, and Cancel aborts the flow', () => {
    const opened = transition(waiting(), { type: 'oidc.opened' }).state;
    expect(toView(opened)).toMatchObject({ opened: true });
    expect(transition(opened, { type: 'browser.reopenRequested' }).effects).toEqual([{ type: 'oidcReopen' }]);
    const cancelled = transition(opened, { type: 'cancel.pressed' });
    expect(cancelled.effects).toEqual([{ type: 'oidcCancel' }]);
    expect(toView(cancelled.state)).toMatchObject({ screen: 'manualLogin' });
  });

  it('shows a failed browser sign-in with its code and retries on request', () => {
    const failed = transition(waiting(), {
      type: 'signIn.failed',
      error: { code: 'oidc_state_mismatch', message: 'Forged.' },
    }).state;
    expect(toView(failed)).toMatchObject({ screen: 'browserSignIn', error: { code: 'oidc_state_mismatch' } });
    expect(transition(failed, { type: 'retry.pressed' }).effects).toMatchObject([{ type: 'oidcSignIn' }]);
  });
});
