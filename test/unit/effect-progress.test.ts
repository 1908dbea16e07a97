import { describe, expect, it } from 'vitest';
import { EFFECT_RESULTS, transition, type OnboardingEvent } from '../../electron/core/onboarding/machine';
import { OnboardingService } from '../../electron/core/onboarding/service';
import type { OnboardingState, ProfileSummary } from '../../electron/core/onboarding/states';
import { toView } from '../../electron/core/onboarding/view';
import { ORIGIN } from './support/fixtures';
import { memorySecretStore, memorySettingsStore } from './support/memory-ports';

/**
 * Progress an effect reports before it ends is worded by the step that started it (its EffectResults'
 * `progress`), not by the effect runner: the runner says what happened, the step says what it means.
 */

const ana: ProfileSummary = {
  origin: ORIGIN,
  serverName: 'Example Corp',
  loginId: 'ana',
  displayName: 'Ana',
  method: 'oidc',
  acceptedLicenseVersion: '1',
};
const provider = { method: 'oidc', issuer: `${ORIGIN}/oidc`, clientId: 'keyway-desktop' } as const;
const flow = { target: ana, pending: null, provider, loginHint: 'ana' };

function heard(event: OnboardingEvent | null): OnboardingEvent {
  if (event === null) throw new Error('the step said nothing for this report');
  return event;
}

describe('progress reports, worded by the step', () => {
  it('the browser sign-in: "opened" lets the user reopen the browser; a device code is shown', () => {
    const waiting: OnboardingState = {
      context: { policy: {}, profiles: [ana] },
      screen: {
        kind: 'browserSignIn',
        target: ana,
        pending: null,
        provider,
        loginHint: 'ana',
        mode: 'redirect',
        opened: false,
        device: null,
        error: null,
        returnTo: { kind: 'welcome', input: '', error: null },
      },
    };
    const opened = EFFECT_RESULTS.oidcSignIn.progress({ kind: 'browserOpened' }, { type: 'oidcSignIn', ...flow });
    expect(opened).toEqual({ type: 'oidc.opened' });
    expect(toView(transition(waiting, heard(opened)).state)).toMatchObject({ screen: 'browserSignIn', opened: true });

    const code = { userCode: 'ABCD-EFGH', verificationUri: `${ORIGIN}/device` };
    const device: OnboardingState = {
      ...waiting,
      screen: { ...waiting.screen, mode: 'device' } as OnboardingState['screen'],
    };
    const issued = EFFECT_RESULTS.oidcDevice.progress({ kind: 'deviceCode', code }, { type: 'oidcDevice', ...flow });
    expect(toView(transition(device, heard(issued)).state)).toMatchObject({ device: code });
  });

  it('the runner relays the OTP timer through the OTP step: the screen hears otp.expired', async () => {
    const service = new OnboardingService({
      plainHttpLoopback: true,
      secrets: memorySecretStore(),
      settings: memorySettingsStore(),
      fetch: () => Promise.reject(new TypeError('no network in this test')),
      clock: { now: () => 1_000 },
      policy: {},
      browser: { open: () => Promise.reject(new Error('no browser')) },
    });
    const reported: OnboardingEvent[] = [];
    const heard = new Promise<void>((resolve) => {
      void service.run({ type: 'otpTimer', expiresAt: 1_000 }, (event) => {
        reported.push(event);
        resolve();
      });
    });
    await heard;
    expect(reported).toEqual([{ type: 'otp.expired' }]);
  });
});
