import { describe, expect, it } from 'vitest';
import { advance, beginJourney, type Journey, type RunningEffect } from '../../electron/core/onboarding/journey';
import { initialState, type OnboardingEvent } from '../../electron/core/onboarding/machine';
import type { HomeInfo, ProfileSummary } from '../../electron/core/onboarding/states';
import { toView } from '../../electron/core/onboarding/view';
import { codeFor, configFor } from './support/fixtures';

/**
 * Results are tied to the screen that started their effect: one generic guard (journey.ts `advance`)
 * drops any result whose effect the screen on display no longer waits for. Each test here is a case
 * that used to have its own check in a step; all of them fail if that one guard is removed.
 */

const ORIGIN = 'https://keyway.example.com'; // fixtures.ts ORIGIN
const ana: ProfileSummary = {
  origin: ORIGIN,
  serverName: 'Example',
  loginId: 'ana@example.com',
  displayName: 'Ana',
  method: 'password',
  acceptedLicenseVersion: '1',
  forgotPassword: true,
};
const home: HomeInfo = {
  origin: ORIGIN,
  serverName: 'Example',
  loginId: 'ana@example.com',
  displayName: 'Ana',
  email: 'ana@example.com',
};

/** A journey driven by user events; `last` holds the effects the last event started. */
class Drive {
  journey: Journey;
  last: readonly RunningEffect[] = [];
  constructor(profiles: ProfileSummary[]) {
    this.journey = beginJourney(initialState({ policy: {}, profiles: [] }));
    this.send({ type: 'started', profiles, resume: null });
  }
  send(event: OnboardingEvent, from?: number): this {
    const step = advance(this.journey, event, from);
    this.journey = step.journey;
    this.last = step.effects;
    return this;
  }
  /** The id of the one effect of `type` the last event started. */
  started(type: RunningEffect['type']): number {
    const effect = this.last.find((e) => e.type === type);
    if (!effect) throw new Error(`no ${type} effect in ${JSON.stringify(this.last)}`);
    return effect.id;
  }
  get view() {
    return toView(this.journey.state);
  }
}

describe('stale effect results are dropped in one place', () => {
  it('gives every effect its own id, and the screen waits for the ones it started', () => {
    const d = new Drive([]).send({ type: 'manualLogin.opened' });
    d.send({ type: 'manualLogin.changed', host: 'keyway.example.com', loginId: 'ana' }).send({ type: 'next.pressed' });
    const discover = d.started('discover');
    expect(d.journey.awaiting).toEqual([discover]);
    d.send({ type: 'cancel.pressed' }); // nothing: the progress screen has no Cancel
    expect(d.journey.awaiting).toEqual([discover]);
    // An id nobody started is not a result for this screen either.
    const before = d.journey;
    d.send({ type: 'discovery.failed', error: { code: 'server_unreachable', message: 'x' } }, discover + 100);
    expect(d.journey).toBe(before);
    d.send({ type: 'discovery.failed', error: { code: 'server_unreachable', message: 'x' } }, discover);
    expect(d.view).toMatchObject({ screen: 'manualLogin', error: { code: 'server_unreachable' } });
  });

  it('browser sign-in: after switching to the device code, the abandoned redirect attempt’s "cancelled" is not shown', () => {
    const d = new Drive([{ ...ana, method: 'oidc' }]);
    d.send({ type: 'manualLogin.opened' });
    d.send({ type: 'manualLogin.changed', host: 'keyway.example.com', loginId: 'ana@example.com' });
    d.send({ type: 'next.pressed' });
    d.send(
      {
        type: 'discovery.succeeded',
        response: {
          server: { name: 'Example', origin: ORIGIN },
          signIn: { method: 'oidc', issuer: `${ORIGIN}/oidc`, clientId: 'keyway-desktop' },
          features: { forgotPassword: false, manualLogin: true },
          license: { version: '1', text: 'Terms.' },
        },
      },
      d.started('discover'),
    );
    const redirect = d.started('oidcSignIn');
    d.send({ type: 'oidc.opened' }, redirect);
    d.send({ type: 'deviceCode.chosen' });
    const device = d.started('oidcDevice');
    d.send({ type: 'signIn.failed', error: { code: 'oidc_cancelled', message: 'Cancelled.' } }, redirect);
    d.send({ type: 'oidc.opened' }, redirect);
    expect(d.view).toMatchObject({ screen: 'browserSignIn', error: null, device: null, opened: false });
    // The device-code attempt's own reports still arrive.
    d.send(
      { type: 'oidc.deviceCodeIssued', code: { userCode: 'ABCD-EFGH', verificationUri: `${ORIGIN}/device` } },
      device,
    );
    expect(d.view).toMatchObject({ device: { userCode: 'ABCD-EFGH' } });
    d.send({ type: 'signIn.failed', error: { code: 'oidc_timeout', message: 'Too slow.' } }, device);
    expect(d.view).toMatchObject({ error: { code: 'oidc_timeout' } });
  });

  it('one-time password: an older OTP’s timer never cuts a newer OTP short', () => {
    const d = new Drive([ana]);
    d.journey = { ...d.journey, state: { ...d.journey.state, screen: { kind: 'home', home, notice: null } } };
    const issue = (): number => {
      d.send({ type: 'oneTimePassword.proofSubmitted', password: 'secret' });
      d.send({ type: 'otp.issued', otp: '12345678', issuedAt: 1, expiresAt: 2 }, d.started('otp'));
      return d.started('otpTimer');
    };
    d.send({ type: 'oneTimePassword.opened' });
    d.send({ type: 'otp.loaded', authenticator: false }, d.started('otp'));
    const firstTimer = issue();
    d.send({ type: 'back.pressed' }); // Home; the first OTP's timer is still running.
    d.send({ type: 'oneTimePassword.opened' });
    d.send({ type: 'otp.loaded', authenticator: false }, d.started('otp'));
    const secondTimer = issue();
    d.send({ type: 'otp.expired' }, firstTimer);
    expect(d.view).toMatchObject({ screen: 'oneTimePassword', phase: 'showing', otp: { value: '12345678' } });
    d.send({ type: 'otp.expired' }, secondTimer);
    expect(d.view).toMatchObject({ phase: 'expired', otp: null });
  });

  it('forgot password: the answer to a request made before the user signed in and came back is not shown', () => {
    const d = new Drive([ana]);
    d.journey = {
      ...d.journey,
      state: { ...d.journey.state, screen: { kind: 'password', target: ana, pending: null, error: null } },
    };
    d.send({ type: 'passwordReset.requested' });
    const reset = d.started('requestPasswordReset');
    d.send({ type: 'password.submitted', password: 'wrong' });
    d.send({ type: 'signIn.failed', error: { code: 'invalid_credentials', message: 'No.' } }, d.started('signIn'));
    expect(d.view).toMatchObject({ screen: 'password', forgotPassword: { status: 'offered' } });
    d.send({ type: 'passwordReset.sent', minutes: 30 }, reset);
    d.send({ type: 'passwordReset.failed', error: { code: 'server_unreachable', message: 'x' } }, reset);
    expect(d.view).toMatchObject({
      screen: 'password',
      forgotPassword: { status: 'offered' },
      error: { code: 'invalid_credentials' },
    });
    // The page's own request is answered as before (below), and leaving the page drops its request even
    // when the user comes back to a Password page without any other work started on the way.
    const fresh = new Drive([]);
    fresh.send({ type: 'welcome.inputChanged', text: codeFor() }).send({ type: 'welcome.applied' });
    fresh.send({ type: 'server.confirmed' });
    const config = configFor();
    fresh.send(
      { type: 'redeem.succeeded', config: { ...config, features: { ...config.features, forgotPassword: true } } },
      fresh.started('redeem'),
    );
    fresh.send({ type: 'license.accepted' });
    fresh.send({ type: 'passwordReset.requested' });
    const early = fresh.started('requestPasswordReset');
    fresh.send({ type: 'back.pressed' }).send({ type: 'license.accepted' });
    expect(fresh.view).toMatchObject({ screen: 'password', forgotPassword: { status: 'offered' } });
    fresh.send({ type: 'passwordReset.sent', minutes: 30 }, early);
    expect(fresh.view).toMatchObject({ screen: 'password', forgotPassword: { status: 'offered' } });

    d.send({ type: 'passwordReset.requested' });
    d.send({ type: 'passwordReset.sent', minutes: 30 }, d.started('requestPasswordReset'));
    expect(d.view).toMatchObject({ forgotPassword: { status: 'sent', minutes: 30 } });
  });
});
