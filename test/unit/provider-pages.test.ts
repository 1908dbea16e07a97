import { describe, expect, it } from 'vitest';
import {
  mfaChoicePage,
  mfaCodePage,
  mfaEnrollPage,
  mfaPasskeyPage,
  mfaRecoveryCodesPage,
  mfaRecoveryPage,
} from '../../server/oidc/mfa-pages';
import { confirmAccountPage, federationErrorPage, signInPage } from '../../server/oidc/pages';
import { pageText } from '../../server/http/page-messages';
import { submission } from '../support/html';
import { readProviderPage } from '../support/provider-pages';

/**
 * The provider-page driver of the tests (test/support/provider-pages.ts) reads the pages the server
 * really renders: if a page changes its form, this fails here rather than as a timeout in a browser test.
 * Values carry the characters the server escapes, as a hostile login ID or server name would.
 */

const AT = 'http://127.0.0.1:4000/oidc/interaction/abc';
const HOSTILE = `Ana "<b>&'`;
const common = {
  text: pageText('en'),
  serverName: HOSTILE,
  csrfToken: 'csrf-1',
  cancelUrl: '/oidc/interaction/abc/abort?x=1&y=2',
};

describe('readProviderPage', () => {
  it('reads the sign-in form: the login as typed, the action resolved, the error; not the SSO buttons', () => {
    const page = readProviderPage(
      signInPage({
        ...common,
        clientName: 'Keyway',
        action: '/oidc/interaction/abc/login?a=1&b=2',
        login: HOSTILE,
        error: `Wrong for ${HOSTILE}`,
        providers: [{ name: 'Okta', action: '/oidc/interaction/abc/sso/okta' }],
      }),
      AT,
    );
    expect(page).toMatchObject({ kind: 'sign-in', heading: 'Sign in', login: HOSTILE, error: `Wrong for ${HOSTILE}` });
    if (page.kind !== 'sign-in') return;
    expect(page.form.action.href).toBe('http://127.0.0.1:4000/oidc/interaction/abc/login?a=1&b=2');
    expect(page.form.method).toBe('post');
    expect(Object.fromEntries(submission(page.form, { password: 'pw' }))).toEqual({
      csrf: 'csrf-1',
      login: HOSTILE,
      password: 'pw',
    });
  });

  it('tells a sign-in page without the password form (enterprise sign-in only) from the sign-in form', () => {
    const html = signInPage({
      ...common,
      clientName: 'Keyway',
      action: '/login',
      login: '',
      passwordForm: false,
      providers: [{ name: 'Okta', action: '/sso/okta' }],
    });
    expect(readProviderPage(html, AT)).toMatchObject({ kind: 'other', heading: 'Sign in' });
  });

  it('reads the choice of a second step as its ways, and a choice as the button it presses', () => {
    const page = readProviderPage(
      mfaChoicePage({
        ...common,
        action: '/choose',
        canEnroll: true,
        options: [
          { channel: 'totp', hint: '', available: true },
          { channel: 'email', hint: 'a***@example.com', available: true },
          { channel: 'sms', hint: '', available: false },
        ],
      }),
      AT,
    );
    expect(page).toMatchObject({
      kind: 'mfa-choice',
      heading: "Verify it's you",
      ways: [
        { channel: 'enroll', label: 'Set up an authenticator app (recommended)' },
        { channel: 'totp', label: 'Use my authenticator app' },
        { channel: 'email', label: 'E-mail a code to a***@example.com' },
      ],
    });
    if (page.kind !== 'mfa-choice') return;
    expect(Object.fromEntries(submission(page.form, { channel: 'totp' }))).toEqual({ csrf: 'csrf-1', channel: 'totp' });
  });

  it('reads a code page (its channel, its error) and the enrolment page (the key, without its spaces)', () => {
    const code = readProviderPage(
      mfaCodePage({
        ...common,
        channel: 'email',
        hint: 'a***@example.com',
        verifyAction: '/verify',
        sendAction: '/send',
        resendAfterSeconds: 30,
        codeMinutes: 10,
        error: 'That code is not right.',
      }),
      AT,
    );
    expect(code).toMatchObject({ kind: 'code', channel: 'email', error: 'That code is not right.' });
    if (code.kind === 'code') expect(code.form.action.pathname).toBe('/verify');
    const enrolment = readProviderPage(
      mfaEnrollPage({ ...common, verifyAction: '/verify', qrSvg: '<svg></svg>', groupedSecret: 'ABCD EFGH 2345 67AB' }),
      AT,
    );
    expect(enrolment).toMatchObject({ kind: 'enrolment', key: 'ABCDEFGH234567AB', error: undefined });
  });

  it('reads the recovery-code entry page and the new recovery codes with their way on', () => {
    expect(
      readProviderPage(mfaRecoveryPage({ ...common, action: '/recover', otherWaysUrl: '/choose' }), AT),
    ).toMatchObject({ kind: 'recovery-code', heading: 'Use a recovery code' });
    const codes = Array.from({ length: 10 }, (_, index) => `code-${index}`);
    const page = readProviderPage(
      mfaRecoveryCodesPage({
        text: pageText('en'),
        serverName: HOSTILE,
        codes,
        continueUrl: '/oidc/interaction/abc/resume?a=1&b=2',
      }),
      AT,
    );
    expect(page).toMatchObject({ kind: 'recovery-codes', codes });
    if (page.kind === 'recovery-codes')
      expect(page.continueUrl.href).toBe('http://127.0.0.1:4000/oidc/interaction/abc/resume?a=1&b=2');
  });

  it('reads a passkey page’s ceremony options back exactly, whatever characters they carry', () => {
    const options = { challenge: 'abc', rpId: 'localhost', user: { name: HOSTILE, note: '</script><p>' } };
    const page = readProviderPage(mfaPasskeyPage({ ...common, options, action: '/passkey' }), AT);
    expect(page).toMatchObject({ kind: 'passkey', heading: 'Use your passkey', options, error: undefined });
  });

  it('reads "Continue as …?" as the consent it is, and a refusal’s "Try again" form as no consent', () => {
    const confirm = confirmAccountPage({
      text: pageText('en'),
      serverName: HOSTILE,
      clientName: 'Keyway',
      displayName: HOSTILE,
      email: 'ana@example.com',
      action: '/confirm',
      csrfToken: 'csrf-1',
      otherAccountUrl: '/other',
      cancelUrl: '/abort',
    });
    expect(readProviderPage(confirm, AT)).toMatchObject({
      kind: 'confirm-account',
      heading: `Continue as ${HOSTILE}?`,
    });
    const refused = federationErrorPage({
      text: pageText('en'),
      serverName: HOSTILE,
      code: 'federation_refused',
      message: 'The identity provider refused.',
      retry: { action: '/sso/okta', csrfToken: 'csrf-1', providerName: 'Okta' },
    });
    expect(readProviderPage(refused, AT)).toMatchObject({ kind: 'other', error: 'The identity provider refused.' });
  });

  it('runs nothing a page carries: no inline script, no event handler', () => {
    // Each would turn the sign-in form into another page if it ran.
    const html = `<!doctype html><h1>Sign in</h1>
<script>document.querySelector('h1').textContent = 'Scripted'; document.forms[0].remove();</script>
<img src="x" onerror="document.forms[0].remove()"><svg onload="document.forms[0].remove()"></svg>
<form method="post" action="/x"><input name="password"></form>
<script>document.querySelector('h1').textContent = 'Scripted'; document.forms[0].remove();</script>`;
    expect(readProviderPage(html, AT)).toMatchObject({ kind: 'sign-in', heading: 'Sign in' });
  });

  it('never posts a field the form does not have', () => {
    const page = readProviderPage(mfaChoicePage({ ...common, action: '/choose', canEnroll: true, options: [] }), AT);
    if (page.kind !== 'mfa-choice') throw new Error(page.kind);
    expect(() => submission(page.form, { code: '123456' })).toThrow(/has no field or button named code/);
  });
});
