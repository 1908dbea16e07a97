import { describe, expect, it } from 'vitest';
import { FormatErrorCode, WireErrorCode } from '../../../protocol/errors';
import { accountMessagePage, accountSignInPage, selfDeploymentPage } from '../../../server/account/account-pages';
import { addPasskeyPage, passkeysSection } from '../../../server/account/account-passkeys';
import { htmlPage } from '../../../server/http/html-page';
import { PAGE_LANGUAGES } from '../../../server/http/languages';
import { PAGE_CATALOGUES, PAGE_ERROR_CATALOGUES, pageText, type PageText } from '../../../server/http/page-messages';
import { brokenLinkPage, downloadsPage, landingPage } from '../../../server/landing/landing-page';
import { passkeyPage } from '../../../server/mfa/passkeys-page';
import {
  mfaChoicePage,
  mfaCodePage,
  mfaEnrollPage,
  mfaPasskeyPage,
  mfaRecoveryCodesPage,
  mfaRecoveryPage,
  mfaUnavailablePage,
  passwordlessPage,
} from '../../../server/oidc/mfa-pages';
import {
  confirmAccountPage,
  deviceCodeInputPage,
  deviceConfirmPage,
  deviceSuccessPage,
  expiredPage,
  federationErrorPage,
  signInPage,
} from '../../../server/oidc/pages';
import {
  linkProblemPage,
  refusedFormPage,
  resetDonePage,
  resetFormPage,
} from '../../../server/password-reset/reset-pages';

const placeholders = (text: string): string[] => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort();

describe('the end-user pages’ language', () => {
  it('has every text in French and German, translated, with the same placeholders', () => {
    const english = PAGE_CATALOGUES.en;
    for (const language of ['fr', 'de'] as const) {
      const catalogue = PAGE_CATALOGUES[language];
      expect(Object.keys(catalogue).sort()).toEqual(Object.keys(english).sort());
      for (const [key, text] of Object.entries(catalogue)) {
        expect(text.trim(), `${language}.${key}`).not.toBe('');
        expect(placeholders(text), `${language}.${key}`).toEqual(placeholders(english[key as keyof typeof english]));
      }
      // Not the English catalogue under another name (a few words are the same: "Code", "Passkeys").
      const same = Object.keys(english).filter(
        (key) => catalogue[key as keyof typeof english] === english[key as keyof typeof english],
      );
      expect(same.length, `${language}: ${same.join(', ')}`).toBeLessThan(4);
    }
  });

  it('says every refusal the server can raise in French and German', () => {
    const codes = [...WireErrorCode.options, ...FormatErrorCode.options].sort();
    for (const language of ['fr', 'de'] as const) {
      const catalogue = PAGE_ERROR_CATALOGUES[language];
      expect(Object.keys(catalogue).sort()).toEqual(codes);
      for (const text of Object.values(catalogue)) expect(text.trim()).not.toBe('');
    }
    const refusal = { code: 'mfa_code_invalid' as const, message: 'That code is not right. 4 more tries.' };
    expect(pageText('en').error(refusal)).toBe(refusal.message);
    expect(pageText('fr').error(refusal)).toBe('Ce code est incorrect. Vérifiez-le et réessayez.');
    expect(pageText('de').error(refusal)).toBe('Dieser Code ist falsch. Prüfen Sie ihn und versuchen Sie es erneut.');
  });

  it('escapes the text but not the markup given for its placeholders', () => {
    const { t, html } = pageText('en');
    expect(t('signInTo', { client: '<b>' })).toBe('to continue to <b>');
    expect(html('verifyTitle')).toBe('Verify it&#39;s you');
    expect(html('signedInAs', { name: '<strong>Ana</strong>', loginId: 'ana' })).toBe(
      'Signed in as <strong>Ana</strong> (ana).',
    );
    // A value that looks like a placeholder is not filled again.
    expect(t('signInTo', { client: '{client}' })).toBe('to continue to {client}');
  });

  it('puts the language in <html lang>', () => {
    for (const lang of PAGE_LANGUAGES) {
      expect(htmlPage({ lang, title: 't', serverName: 's', stylesheet: '/x.css', body: '' })).toContain(
        `<html lang="${lang}">`,
      );
    }
  });
});

/** Every page builder, in one language, with made-up but plausible input. */
function everyPage(text: PageText): Record<string, string> {
  const common = { text, serverName: 'Corp', csrfToken: 'csrf', cancelUrl: '/cancel' };
  const options = [
    { channel: 'totp' as const, hint: '', available: true },
    { channel: 'email' as const, hint: 'a***@corp.example', available: true },
    { channel: 'sms' as const, hint: '', available: false },
    { channel: 'passkey' as const, hint: '', available: true },
  ];
  return {
    signIn: signInPage({
      ...common,
      clientName: 'Keyway',
      action: '/a',
      login: '',
      providers: [{ name: 'Okta', action: '/sso' }],
      passkeyUrl: '/p',
    }),
    confirm: confirmAccountPage({
      ...common,
      clientName: 'Keyway',
      displayName: 'Ana',
      email: 'ana@corp.example',
      action: '/c',
      otherAccountUrl: '/o',
    }),
    federation: federationErrorPage({ text, serverName: 'Corp', code: 'saml_expired', message: 'It expired.' }),
    expired: expiredPage(text, 'Corp'),
    deviceInput: deviceCodeInputPage({ text, serverName: 'Corp', action: '/d', xsrf: 'x' }),
    deviceConfirm: deviceConfirmPage({
      text,
      serverName: 'Corp',
      clientName: 'Keyway',
      action: '/d',
      xsrf: 'x',
      userCode: 'BCDF-GHJK',
    }),
    deviceDone: deviceSuccessPage(text, 'Corp', 'Keyway'),
    choice: mfaChoicePage({ ...common, action: '/m', options, canEnroll: true, recoveryUrl: '/r' }),
    code: mfaCodePage({
      ...common,
      channel: 'email',
      hint: 'a***@corp.example',
      verifyAction: '/v',
      sendAction: '/s',
      resendAfterSeconds: 30,
      codeMinutes: 10,
      otherWaysUrl: '/o',
      recoveryUrl: '/r',
    }),
    enrol: mfaEnrollPage({ ...common, verifyAction: '/v', qrSvg: '<svg></svg>', groupedSecret: 'ABCD EFGH' }),
    passkey: mfaPasskeyPage({ ...common, options: {}, action: '/p' }),
    passwordless: passwordlessPage({ ...common, options: {}, action: '/p', passwordUrl: '/pw' }),
    recovery: mfaRecoveryPage({ ...common, action: '/r', otherWaysUrl: '/o' }),
    codes: mfaRecoveryCodesPage({ text, serverName: 'Corp', codes: ['abcd-efgh-jkmn'], continueUrl: '/c' }),
    unavailable: mfaUnavailablePage(text, 'Corp'),
    step: passkeyPage({
      text,
      title: text.t('passkeyTitle'),
      serverName: 'Corp',
      lead: text.t('deadStepLead'),
      links: [],
    }),
    accountSignIn: accountSignInPage({ text, serverName: 'Corp', csrfToken: 'c', login: '' }),
    account: selfDeploymentPage({
      text,
      serverName: 'Corp',
      displayName: 'Ana',
      loginId: 'ana',
      code: 'CODE',
      deepLink: 'keyway://deploy?code=CODE',
      expiresAt: new Date(0),
      qrSvg: '<svg></svg>',
      csrfToken: 'c',
      recoveryCodes: { remaining: 2 },
      passkeysHtml: passkeysSection({
        text,
        csrfToken: 'c',
        passkeys: [{ id: 'p1', name: 'Laptop', authenticator: null, createdAt: 0, lastUsedAt: null }],
      }),
    }),
    accountMessage: accountMessagePage(text, 'Corp', text.t('tooManyTries'), []),
    addPasskey: addPasskeyPage({ text, serverName: 'Corp', csrfToken: 'c', name: 'Laptop', options: {} }),
    resetForm: resetFormPage({ text, serverName: 'Corp', loginId: 'ana', token: 't', csrfToken: 'c' }),
    resetDone: resetDonePage(text, 'Corp', 'ana'),
    linkProblem: linkProblemPage(text, 'Corp', 'expired'),
    refused: refusedFormPage(text, 'Corp'),
    landing: landingPage({ text, serverName: 'Corp', code: 'CODE', deepLink: 'keyway://x', qrSvg: '<svg></svg>' }),
    broken: brokenLinkPage(text, 'Corp', text.error({ code: 'link_malformed', message: 'No code in this link.' })),
    downloads: downloadsPage(text, 'Corp'),
  };
}

describe('every end-user page', () => {
  const english = everyPage(pageText('en'));
  /** Names, not words: the values the test put in, and installer file names. */
  const NAMES =
    /^(Corp|Ana|ana|Laptop|Okta|abcd-efgh-jkmn|\(ana\)\.|ana@corp\.example|Windows:|macOS:|Linux:|Keyway( Setup\.exe|\.\w+)?|keyway\.\w+)$/;
  /** The visible words of a page: its text between tags, without the values the test put in. */
  const words = (html: string): string[] =>
    [...html.replace(/<svg>.*?<\/svg>/g, '').matchAll(/>([^<>]+)</g)]
      .map(([, text = '']) => text.trim())
      .filter((text) => /[a-z]{3}/.test(text) && !NAMES.test(text));

  for (const language of ['fr', 'de'] as const) {
    it(`is written in ${language}: lang attribute, and none of the English page's sentences`, () => {
      const pages = everyPage(pageText(language));
      for (const [name, html] of Object.entries(pages)) {
        expect(html, name).toContain(`<html lang="${language}">`);
        const englishWords = new Set(words(english[name] ?? ''));
        const leaked = words(html).filter((text) => englishWords.has(text) && !/^(Passkeys?|Code)$/.test(text));
        expect(leaked, `${language} ${name}`).toEqual([]);
      }
    });
  }

  it('is English with lang="en" by default', () => {
    for (const [name, html] of Object.entries(english)) expect(html, name).toContain('<html lang="en">');
  });
});
