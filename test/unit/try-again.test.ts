import { describe, expect, it } from 'vitest';
import { transition, type OnboardingEvent, type OnboardingState } from '../../electron/core/onboarding/machine';
import type { ProfileSummary } from '../../electron/core/onboarding/states';
import { toView } from '../../electron/core/onboarding/view';
import { EFFECT_RESULTS } from '../../electron/core/onboarding/machine';
import type { ErrorCode } from '../../electron/ipc/client-errors';
import { ORIGIN } from './support/fixtures';

/**
 * The one table of retry rules (electron/core/onboarding/try-again.ts), seen from the screens: where an
 * error may pass, the user gets "Try again" (or stays to Continue again); where it will not, they are
 * sent where they can fix it.
 */

const err = (code: ErrorCode) => ({ code, message: `${code}.` });
function said(event: OnboardingEvent | null): OnboardingEvent {
  if (event === null) throw new Error('the step said nothing for this result');
  return event;
}
const ana: ProfileSummary = {
  origin: ORIGIN,
  serverName: 'Example Corp',
  loginId: 'ana',
  displayName: 'Ana',
  method: 'password',
  acceptedLicenseVersion: '1',
};
const context = { policy: {}, profiles: [ana] };
const deployment = { origin: ORIGIN, codeText: 'K7' };

describe('retry rules, as the user meets them', () => {
  it.each([
    ['deployment_used', 'welcome'],
    ['code_checksum', 'welcome'],
    ['server_unreachable', 'confirmServer'],
    ['server_timeout', 'confirmServer'],
  ] as const)('redeeming fails with %s: the user lands on %s', (code, screen) => {
    const redeeming: OnboardingState = {
      context,
      screen: { kind: 'redeeming', deployment, returnTo: { kind: 'welcome', input: '', error: null } },
    };
    expect(transition(redeeming, { type: 'redeem.failed', error: err(code) }).state.screen.kind).toBe(screen);
  });

  it.each([
    ['server_unreachable', 'resumeFailed'],
    ['keychain_locked', 'resumeFailed'],
    ['session_invalid', 'password'],
    ['unauthorized', 'password'],
  ] as const)('resuming throws %s: the user lands on %s', (code, screen) => {
    const event = EFFECT_RESULTS.resume.failed(err(code), { type: 'resume', target: ana });
    const resuming: OnboardingState = { context, screen: { kind: 'resuming', target: ana } };
    expect(transition(resuming, said(event)).state.screen.kind).toBe(screen);
  });

  it.each([
    ['keychain_locked', 'resumeFailed'],
    ['keychain_unavailable', 'resumeFailed'],
    ['settings_corrupt', 'password'],
  ] as const)('the stored session cannot be read (%s): the user lands on %s', (code, screen) => {
    const event = EFFECT_RESULTS.resume.done({ kind: 'unreadable', error: err(code) }, { type: 'resume', target: ana });
    const resuming: OnboardingState = { context, screen: { kind: 'resuming', target: ana } };
    expect(transition(resuming, said(event)).state.screen.kind).toBe(screen);
  });

  it.each([
    ['keychain_locked', true],
    ['keychain_unavailable', true],
    ['settings_restored', false],
  ] as const)('Home with the notice %s offers Try again: %s', (code, offered) => {
    const home = { origin: ORIGIN, serverName: 'E', loginId: 'ana', displayName: 'Ana', email: 'a@e.com' };
    const state: OnboardingState = { context, screen: { kind: 'home', home, notice: err(code) } };
    expect(toView(state)).toMatchObject({ screen: 'home', notice: { code } });
    expect((toView(state) as { canRetry?: boolean }).canRetry === true).toBe(offered);
    const effects = transition(state, { type: 'retry.pressed' }).effects;
    expect(effects).toEqual(offered ? [{ type: 'saveSession', origin: ORIGIN }] : []);
  });
});
