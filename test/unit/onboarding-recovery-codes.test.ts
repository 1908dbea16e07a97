import { describe, expect, it } from 'vitest';
import { transition, type OnboardingState } from '../../electron/core/onboarding/machine';
import { recoveryCodesFile } from '../../electron/core/onboarding/recovery-codes/file';
import type { HomeInfo, ProfileSummary } from '../../electron/core/onboarding/states';
import { toView } from '../../electron/core/onboarding/view';
import type { MfaOverview, MfaRequired, RecoveryCodeList } from '../../protocol/mfa';

const ORIGIN = 'https://keyway.example.com';
const ana: ProfileSummary = {
  origin: ORIGIN,
  serverName: 'Example',
  loginId: 'ana',
  displayName: 'Ana',
  method: 'password',
  acceptedLicenseVersion: '1',
};
const home: HomeInfo = { origin: ORIGIN, serverName: 'Example', loginId: 'ana', displayName: 'Ana', email: 'a@x' };
const CODES: RecoveryCodeList = Array.from(
  { length: 10 },
  (_, i) => `abcd-efgh-jk${'mnpqrstuvw'[i]}${'23456789ab'[i]}`,
);
const signingIn: OnboardingState = {
  context: { policy: {}, profiles: [ana] },
  screen: { kind: 'signingIn', target: ana, pending: null },
};
const challenge = (recoveryCode?: boolean): MfaRequired => ({
  status: 'mfa_required',
  challengeId: 'c'.repeat(32),
  expiresIn: 600,
  channels: [{ channel: 'totp', hint: '', available: true }],
  enrollmentRequired: false,
  trustDays: 30,
  ...(recoveryCode === undefined ? {} : { recoveryCode }),
});
const atMfa = (recoveryCode?: boolean): OnboardingState =>
  transition(signingIn, { type: 'mfa.required', challenge: challenge(recoveryCode) }).state;
const overview = (recoveryCodes: MfaOverview['recoveryCodes']): MfaOverview => ({
  authenticators: [{ id: 'a1', name: 'Phone', createdAt: 1 }],
  passkeys: [],
  trustedDevices: [],
  policy: { channels: ['totp'], mode: 'optional', trustDays: 30 },
  recoveryCodes,
});

describe('"Use a recovery code" on the MFA screen', () => {
  it('is offered only when the server says the user has unused codes', () => {
    expect(toView(atMfa(true))).toMatchObject({ screen: 'mfa', recoveryCodeOffered: true, recovery: false });
    for (const offered of [false, undefined]) {
      const state = atMfa(offered);
      expect(toView(state)).toMatchObject({ recoveryCodeOffered: false });
      // A hostile renderer choosing it anyway changes nothing.
      expect(transition(state, { type: 'recoveryCode.chosen' }).state).toBe(state);
    }
  });

  it('normalises the code like the server (case, spaces, dashes) and sends it to /mfa/recover', () => {
    const field = transition(atMfa(true), { type: 'recoveryCode.chosen' }).state;
    expect(toView(field)).toMatchObject({ recovery: true, asksForCode: false });
    const step = transition(field, { type: 'recoveryCode.submitted', code: ' ABCD efgh-JKMN ', remember: true });
    expect(step.effects).toEqual([
      {
        type: 'mfaRecover',
        target: ana,
        pending: null,
        challengeId: 'c'.repeat(32),
        recoveryCode: 'abcdefghjkmn',
        remember: true,
      },
    ]);
    expect(toView(step.state)).toMatchObject({ busy: true, error: null });
  });

  it.each([
    ['too short', 'abcd-efgh'],
    ['characters outside the alphabet (0, 1, i, l, o)', 'abcd-efgh-jk01'],
    ['oversized', `abcd-efgh-jkmn${'-'.repeat(30)}x`],
    ['a six-digit code', '123456'],
    ['script', '<script>x</script>'],
  ])('refuses %s before any request, with mfa_code_invalid', (_, code) => {
    const field = transition(atMfa(true), { type: 'recoveryCode.chosen' }).state;
    const step = transition(field, { type: 'recoveryCode.submitted', code, remember: false });
    expect(step.effects).toEqual([]);
    expect(toView(step.state)).toMatchObject({ error: { code: 'mfa_code_invalid' }, busy: false });
  });

  it('takes no recovery code unless the field was opened, nor while a request runs', () => {
    const state = atMfa(true);
    expect(
      transition(state, { type: 'recoveryCode.submitted', code: 'abcd-efgh-jkmn', remember: false }).effects,
    ).toEqual([]);
    const field = transition(state, { type: 'recoveryCode.chosen' }).state;
    const busy = transition(field, { type: 'recoveryCode.submitted', code: 'abcd-efgh-jkmn', remember: false }).state;
    expect(
      transition(busy, { type: 'recoveryCode.submitted', code: 'abcd-efgh-jkmn', remember: false }).effects,
    ).toEqual([]);
  });

  it('lands on Home with the codes left (said when 3 or fewer), like a verified code', () => {
    const field = transition(atMfa(true), { type: 'recoveryCode.chosen' }).state;
    const busy = transition(field, { type: 'recoveryCode.submitted', code: 'abcd-efgh-jkmn', remember: false }).state;
    const low = transition(busy, {
      type: 'signIn.succeeded',
      home,
      profiles: [ana],
      notice: null,
      licenseUpdate: null,
      recoveryCodesLeft: 2,
    });
    expect(toView(low.state)).toMatchObject({ screen: 'home', recoveryCodesLeft: 2 });
    const plenty = transition(busy, {
      type: 'signIn.succeeded',
      home,
      profiles: [ana],
      notice: null,
      licenseUpdate: null,
      recoveryCodesLeft: 9,
    });
    expect(toView(plenty.state)).toMatchObject({ screen: 'home' });
    expect(toView(plenty.state)).not.toHaveProperty('recoveryCodesLeft');
  });

  it('a changed license shown first does not lose the codes left (nor the keychain notice) on the way to Home', () => {
    const field = transition(atMfa(true), { type: 'recoveryCode.chosen' }).state;
    const busy = transition(field, { type: 'recoveryCode.submitted', code: 'abcd-efgh-jkmn', remember: false }).state;
    const notice = { code: 'keychain_locked', message: 'The keychain is locked.' } as const;
    const license = transition(busy, {
      type: 'signIn.succeeded',
      home,
      profiles: [ana],
      notice,
      licenseUpdate: { version: '2', text: 'New terms' },
      recoveryCodesLeft: 2,
    });
    expect(toView(license.state)).toMatchObject({ screen: 'license', isUpdate: true, serverName: 'Example' });
    const accepted = transition(license.state, { type: 'license.accepted' });
    expect(accepted.effects).toEqual([{ type: 'acceptLicense', origin: ORIGIN, version: '2' }]);
    expect(toView(accepted.state)).toMatchObject({
      screen: 'home',
      recoveryCodesLeft: 2,
      notice: { code: 'keychain_locked' },
      canRetry: true,
    });
    // Declining still signs out of this server, as before.
    expect(transition(license.state, { type: 'license.declined' }).effects).toEqual([
      { type: 'signOut', origin: ORIGIN, forget: false },
    ]);
  });

  it('shows a refused code on the field, and Back returns to the factors', () => {
    const field = transition(atMfa(true), { type: 'recoveryCode.chosen' }).state;
    const busy = transition(field, { type: 'recoveryCode.submitted', code: 'abcd-efgh-jkmn', remember: false }).state;
    const refused = transition(busy, { type: 'mfa.failed', error: { code: 'mfa_code_invalid', message: 'No.' } });
    expect(toView(refused.state)).toMatchObject({ screen: 'mfa', recovery: true, error: { code: 'mfa_code_invalid' } });
    expect(toView(transition(refused.state, { type: 'back.pressed' }).state)).toMatchObject({
      screen: 'mfa',
      recovery: false,
    });
  });
});

describe('"Save your recovery codes", once', () => {
  it('comes first after a sign-in that enrolled the first factor; Continue leaves no code in the state', () => {
    const busy = transition(atMfa(), { type: 'mfaCode.submitted', code: '123456', remember: false }).state;
    const shown = transition(busy, {
      type: 'signIn.succeeded',
      home,
      profiles: [ana],
      notice: null,
      licenseUpdate: null,
      recoveryCodes: CODES,
    });
    expect(toView(shown.state)).toEqual({
      screen: 'recoveryCodes',
      serverHost: 'keyway.example.com',
      loginId: 'ana',
      codes: CODES,
    });
    // A deep link must not push the only display of the codes away.
    expect(transition(shown.state, { type: 'deepLink.opened', url: 'keyway://deploy?code=x' } as never).state).toBe(
      shown.state,
    );
    const after = transition(shown.state, { type: 'recoveryCodes.continued' });
    expect(toView(after.state)).toMatchObject({ screen: 'home' });
    expect(JSON.stringify(after.state)).not.toContain(CODES[0]);
    expect(JSON.stringify(toView(after.state))).not.toContain(CODES[0]);
  });

  it('after a sign-in, Continue goes on to a changed license when there is one', () => {
    const busy = transition(atMfa(), { type: 'mfaCode.submitted', code: '123456', remember: false }).state;
    const license = { version: '2', text: 'New terms' };
    const shown = transition(busy, {
      type: 'signIn.succeeded',
      home,
      profiles: [ana],
      notice: null,
      licenseUpdate: license,
      recoveryCodes: CODES,
    });
    expect(toView(shown.state)).toMatchObject({ screen: 'recoveryCodes' });
    expect(transition(shown.state, { type: 'recoveryCodes.continued' }).state.screen).toMatchObject({
      kind: 'licenseUpdate',
    });
  });

  it('Sign-in security: Get new codes sends the password once, shows the new set once, then the page again', () => {
    const security: OnboardingState = {
      context: { policy: {}, profiles: [ana] },
      screen: {
        kind: 'security',
        home,
        overview: overview({ remaining: 1 }),
        thisDevice: null,
        enrolling: null,
        busy: false,
        error: null,
      },
    };
    expect(toView(security)).toMatchObject({ screen: 'security', recoveryCodes: { remaining: 1 } });
    const asked = transition(security, { type: 'recoveryCodes.regenerateRequested', password: 'pw' });
    expect(asked.effects).toEqual([
      { type: 'security', origin: ORIGIN, action: { kind: 'regenerateRecoveryCodes', password: 'pw' } },
    ]);
    expect(JSON.stringify(toView(asked.state))).not.toContain('pw');
    const shown = transition(asked.state, {
      type: 'security.loaded',
      overview: overview({ remaining: 10 }),
      thisDevice: null,
      recoveryCodes: CODES,
    });
    expect(toView(shown.state)).toMatchObject({ screen: 'recoveryCodes', codes: CODES });
    const back = transition(shown.state, { type: 'recoveryCodes.continued' });
    expect(toView(back.state)).toMatchObject({ screen: 'security', recoveryCodes: { remaining: 10 }, busy: false });
    expect(JSON.stringify(back.state)).not.toContain(CODES[0]);
    // Home then says nothing (10 left); with none it says so, from the overview.
    expect(toView(transition(back.state, { type: 'back.pressed' }).state)).not.toHaveProperty('recoveryCodesLeft');
    const none: OnboardingState = { ...security, screen: { ...security.screen, overview: overview(null) } as never };
    expect(toView(none)).toMatchObject({ recoveryCodes: null });
    expect(toView(transition(none, { type: 'back.pressed' }).state)).toMatchObject({
      screen: 'home',
      recoveryCodesLeft: 0,
    });
  });

  it('the first authenticator added on Sign-in security shows its codes too', () => {
    const enrolling: OnboardingState = {
      context: { policy: {}, profiles: [ana] },
      screen: {
        kind: 'security',
        home,
        overview: overview(null),
        thisDevice: null,
        enrolling: { qrDataUrl: 'data:,', secret: 'JBSWY3DPEHPK3PXP', enrollmentId: 'e'.repeat(32) },
        busy: false,
        error: null,
      },
    };
    const confirming = transition(enrolling, { type: 'authenticator.codeSubmitted', code: '123 456' });
    expect(confirming.effects).toMatchObject([{ action: { kind: 'confirm', code: '123456' } }]);
    const shown = transition(confirming.state, {
      type: 'security.loaded',
      overview: overview({ remaining: 10 }),
      thisDevice: null,
      recoveryCodes: CODES,
    });
    expect(toView(shown.state)).toMatchObject({ screen: 'recoveryCodes' });
  });
});

describe('the recovery-codes text file', () => {
  it('lists the ten codes under a line that says whose they are', () => {
    const file = recoveryCodesFile(CODES, { serverHost: 'keyway.example.com:8443', loginId: 'ana' });
    expect(file.name).toBe('keyway-recovery-codes-keyway.example.com-8443.txt');
    expect(file.text.split('\n')).toEqual(expect.arrayContaining([...CODES]));
    expect(file.text).toContain('ana on keyway.example.com:8443');
  });

  it('never lets a hostile host or login ID steer the file name or add lines', () => {
    const file = recoveryCodesFile(CODES, { serverHost: '../../etc/passwd\\..\\x', loginId: 'ana\nabcd-efgh-jkmn' });
    expect(file.name).toMatch(/^keyway-recovery-codes-[a-z0-9.-]+\.txt$/);
    expect(file.name).not.toContain('..');
    expect(file.name).not.toMatch(/[/\\]/);
    expect(file.text.split('\n')[0]).toBe('Keyway recovery codes for ana abcd-efgh-jkmn on ../../etc/passwd\\..\\x');
    expect(recoveryCodesFile(CODES, { serverHost: '...', loginId: '' }).name).toBe('keyway-recovery-codes-server.txt');
  });
});
