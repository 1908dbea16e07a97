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
import { codeFor, configFor, ORIGIN } from './support/fixtures';

const ana: ProfileSummary = {
  origin: ORIGIN,
  serverName: 'Example Corp',
  loginId: 'ana',
  displayName: 'Ana Example',
  method: 'password',
  acceptedLicenseVersion: '1',
};
const home = {
  origin: ORIGIN,
  serverName: 'Example Corp',
  loginId: 'ana',
  displayName: 'Ana Example',
  email: 'ana@example.com',
};

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

const apply = (text: string): OnboardingEvent[] => [
  { type: 'welcome.inputChanged', text },
  { type: 'welcome.applied' },
];

describe('onboarding machine', () => {
  it('starts on Welcome without a profile, and resumes the active profile silently when there is one', () => {
    expect(run([]).view).toEqual({ screen: 'welcome', input: '', canApply: false, error: null, managed: [] });
    const step = transition(initialState({ policy: {}, profiles: [] }), {
      type: 'started',
      profiles: [ana],
      resume: ana,
    });
    expect(toView(step.state)).toMatchObject({ screen: 'progress', step: 'resuming' });
    expect(step.effects).toEqual([{ type: 'resume', target: ana }]);
  });

  it('asks before trusting a server it has never seen, showing its host name', () => {
    const { view, effects } = run(apply(codeFor()));
    expect(view).toEqual({
      screen: 'confirmServer',
      serverHost: 'keyway.example.com',
      origin: ORIGIN,
      secure: true,
      error: null,
    });
    expect(effects).toEqual([]);
  });

  it('goes straight to redemption for a server this machine already trusts', () => {
    const { view, effects } = run(apply(codeFor()), { profiles: [ana] });
    expect(view).toMatchObject({ screen: 'progress', step: 'redeeming' });
    expect(effects).toMatchObject([{ type: 'redeem', deployment: { origin: ORIGIN } }]);
  });

  it('catches a typo locally: no network effect, the text kept, a message that says so', () => {
    const code = codeFor();
    const typo = code.slice(0, 10) + (code[10] === 'A' ? 'B' : 'A') + code.slice(11);
    const { view, effects } = run(apply(typo));
    expect(view).toMatchObject({ screen: 'welcome', input: typo, error: { code: 'code_checksum' } });
    expect(effects).toEqual([]);
  });

  it('refuses a server outside the policy allow-list, naming the policy', () => {
    const { view } = run(apply(codeFor()), { policy: { allowedServers: ['*.corp.example'] } });
    expect(view).toMatchObject({ screen: 'welcome', error: { code: 'server_not_allowed' } });
    expect(view.screen === 'welcome' && view.error?.message).toContain('policy');
  });

  it('Cancel on Confirm server returns to Welcome; Continue redeems', () => {
    expect(run([...apply(codeFor()), { type: 'cancel.pressed' }]).view).toMatchObject({ screen: 'welcome' });
    const { effects } = run([...apply(codeFor()), { type: 'server.confirmed' }]);
    expect(effects).toMatchObject([{ type: 'redeem' }]);
  });

  it('sends a dead code back to the paste field, but keeps a network failure on Confirm for a retry', () => {
    const start = [...apply(codeFor()), { type: 'server.confirmed' } as const];
    const used = run([...start, { type: 'redeem.failed', error: { code: 'deployment_used', message: 'Used.' } }]);
    expect(used.view).toMatchObject({ screen: 'welcome', error: { code: 'deployment_used' } });
    const offline = run([...start, { type: 'redeem.failed', error: { code: 'server_unreachable', message: 'Down.' } }]);
    expect(offline.view).toMatchObject({ screen: 'confirmServer', error: { code: 'server_unreachable' } });
  });

  it('offers Import before the license only when a profile exists and policy allows it', () => {
    const redeemed = [
      ...apply(codeFor()),
      { type: 'server.confirmed' } as const,
      { type: 'redeem.succeeded', config: configFor() } as const,
    ];
    expect(run(redeemed).view).toMatchObject({ screen: 'license', version: '1', isUpdate: false });
    const other: ProfileSummary = { ...ana, origin: 'https://old.example.com', serverName: 'Old' };
    expect(run(redeemed, { profiles: [other] }).view).toMatchObject({
      screen: 'import',
      candidates: [{ serverName: 'Old' }],
    });
    expect(run(redeemed, { profiles: [other], policy: { disableImport: true } }).view).toMatchObject({
      screen: 'license',
    });
    const imported = run([...redeemed, { type: 'import.chosen', from: other.origin }], { profiles: [other] });
    expect(imported.state.screen).toMatchObject({ kind: 'license', pending: { importFrom: other.origin } });
  });

  const toLicense = [
    ...apply(codeFor()),
    { type: 'server.confirmed' } as const,
    { type: 'redeem.succeeded', config: configFor() } as const,
  ];

  it('Decline leaves nothing behind: back to an empty Welcome with no effect', () => {
    const { view, effects, state } = run([...toLicense, { type: 'license.declined' }]);
    expect(view).toEqual({ screen: 'welcome', input: '', canApply: false, error: null, managed: [] });
    expect(effects).toEqual([]);
    expect(state.context.profiles).toEqual([]);
  });

  it('Accept leads to Password; the password goes out in an effect and never into a view', () => {
    const atPassword = run([...toLicense, { type: 'license.accepted' }]);
    expect(atPassword.view).toMatchObject({
      screen: 'password',
      loginId: 'ana',
      serverHost: 'keyway.example.com',
      error: null,
    });
    const submitted = run([
      ...toLicense,
      { type: 'license.accepted' },
      { type: 'password.submitted', password: 'hunter2-secret' },
    ]);
    expect(submitted.effects).toMatchObject([
      { type: 'signIn', password: 'hunter2-secret', target: { loginId: 'ana' } },
    ]);
    expect(JSON.stringify(submitted.view)).not.toContain('hunter2-secret');
    expect(JSON.stringify(submitted.state)).not.toContain('hunter2-secret');
    expect(run([...toLicense, { type: 'license.accepted' }, { type: 'back.pressed' }]).view).toMatchObject({
      screen: 'license',
    });
  });

  it('a wrong password comes back to Password with the error; success goes Home', () => {
    const signingIn = [
      ...toLicense,
      { type: 'license.accepted' } as const,
      { type: 'password.submitted', password: 'x' } as const,
    ];
    const wrong = run([
      ...signingIn,
      { type: 'signIn.failed', error: { code: 'invalid_credentials', message: 'Wrong.' } },
    ]);
    expect(wrong.view).toMatchObject({ screen: 'password', error: { code: 'invalid_credentials' } });
    const ok = run([
      ...signingIn,
      { type: 'signIn.succeeded', home, profiles: [ana], notice: null, licenseUpdate: null },
    ]);
    expect(ok.view).toMatchObject({ screen: 'home', displayName: 'Ana Example', serverHost: 'keyway.example.com' });
  });

  it('shows a changed license again before Home, and records the acceptance', () => {
    const resumed = transition(initialState({ policy: {}, profiles: [] }), {
      type: 'started',
      profiles: [ana],
      resume: ana,
    }).state;
    const step = transition(resumed, {
      type: 'signIn.succeeded',
      home,
      profiles: [ana],
      notice: null,
      licenseUpdate: { version: '2', text: 'New.' },
    });
    expect(toView(step.state)).toMatchObject({ screen: 'license', version: '2', isUpdate: true });
    const accepted = transition(step.state, { type: 'license.accepted' });
    expect(toView(accepted.state)).toMatchObject({ screen: 'home' });
    expect(accepted.effects).toEqual([{ type: 'acceptLicense', origin: ORIGIN, version: '2' }]);
  });

  it('an ended session lands on Password with the login ID kept; a network failure offers Retry', () => {
    const resuming = transition(initialState({ policy: {}, profiles: [] }), {
      type: 'started',
      profiles: [ana],
      resume: ana,
    }).state;
    const ended = transition(resuming, {
      type: 'resume.failed',
      error: { code: 'session_invalid', message: 'Ended.' },
      sessionEnded: true,
    });
    expect(toView(ended.state)).toMatchObject({ screen: 'password', loginId: 'ana' });
    const offline = transition(resuming, {
      type: 'resume.failed',
      error: { code: 'server_unreachable', message: 'Down.' },
      sessionEnded: false,
    });
    expect(toView(offline.state)).toMatchObject({ screen: 'resumeFailed', error: { code: 'server_unreachable' } });
    expect(transition(offline.state, { type: 'retry.pressed' }).effects).toEqual([{ type: 'resume', target: ana }]);
  });

  it('sign out keeps the profile and asks for the password; forget removes it and returns to Welcome', () => {
    const atHome: OnboardingState = {
      context: { policy: {}, profiles: [ana] },
      screen: { kind: 'home', home, notice: null },
    };
    const out = transition(atHome, { type: 'signOut.requested' });
    expect(out.effects).toEqual([{ type: 'signOut', origin: ORIGIN, forget: false }]);
    expect(toView(transition(out.state, { type: 'signedOut', profiles: [ana], forgot: false }).state)).toMatchObject({
      screen: 'password',
      loginId: 'ana',
    });
    const forget = transition(atHome, { type: 'forgetServer.requested' });
    expect(forget.effects).toEqual([{ type: 'signOut', origin: ORIGIN, forget: true }]);
    expect(toView(transition(forget.state, { type: 'signedOut', profiles: [], forgot: true }).state)).toMatchObject({
      screen: 'welcome',
    });
  });

  it('does not let a deep link interrupt a sign-in in progress', () => {
    const signingIn = run([
      ...toLicense,
      { type: 'license.accepted' },
      { type: 'password.submitted', password: 'x' },
    ]).state;
    expect(transition(signingIn, { type: 'deepLink.opened', url: `keyway://deploy?code=${codeFor()}` }).state).toBe(
      signingIn,
    );
  });
});
