// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { createCoreHandlers, KeywayCore } from '../../electron/core/keyway-core';
import { chooseLanguage, posixLanguages, supportedLanguageOf } from '../../electron/core/language';
import type { Policy } from '../../electron/core/ports';
import { createClient } from '../../electron/ipc/client';
import { createDispatcher, encodeEvent } from '../../electron/ipc/dispatcher';
import { createInProcessTransport } from '../../electron/ipc/in-process';
import { App } from '../../renderer/src/App';
import { ErrorMessage } from '../../renderer/src/components/ErrorMessage';
import { applyLanguage } from '../../renderer/src/i18n';
import { memorySecretStore, memorySettingsStore } from './support/memory-ports';

afterEach(async () => {
  cleanup();
  await applyLanguage('en');
});

describe('which language Keyway speaks: policy, then the OS, then English', () => {
  it('IT’s policy wins over the operating system', () => {
    expect(chooseLanguage({ policy: 'de-DE', system: ['fr-FR', 'en-US'] })).toEqual({
      language: 'de',
      source: 'policy',
    });
  });

  it('without a policy, the first OS language Keyway speaks', () => {
    expect(chooseLanguage({ system: ['es-ES', 'fr-CA', 'de-DE'] })).toEqual({ language: 'fr', source: 'system' });
    expect(chooseLanguage({ policy: undefined, system: ['de-CH'] })).toEqual({ language: 'de', source: 'system' });
  });

  it('a policy language Keyway does not speak lets the OS language through, then English', () => {
    expect(chooseLanguage({ policy: 'es', system: ['fr-FR'] })).toEqual({ language: 'fr', source: 'system' });
    expect(chooseLanguage({ policy: 'es', system: ['it-IT'] })).toEqual({ language: 'en', source: 'default' });
    expect(chooseLanguage({})).toEqual({ language: 'en', source: 'default' });
  });

  it('matches a tag by its language only, and skips what is not a tag', () => {
    expect(supportedLanguageOf('FR-be')).toBe('fr');
    expect(supportedLanguageOf('en-GB')).toBe('en');
    expect(supportedLanguageOf('de-Latn-AT')).toBe('de');
    expect(supportedLanguageOf('pt-BR')).toBeNull();
    expect(supportedLanguageOf('not a tag!')).toBeNull();
    expect(chooseLanguage({ system: ['', '***', 'de'] })).toEqual({ language: 'de', source: 'system' });
  });

  it('reads POSIX locales the way gettext does (the harness has no OS API for it)', () => {
    expect(posixLanguages({ LANG: 'fr_FR.UTF-8' })).toEqual(['fr-FR']);
    expect(posixLanguages({ LANG: 'en_US.UTF-8', LC_MESSAGES: 'de_DE@euro' })).toEqual(['de-DE']);
    expect(posixLanguages({ LANG: 'en_US.UTF-8', LC_ALL: 'fr_CA.UTF-8', LC_MESSAGES: 'de_DE' })).toEqual(['fr-CA']);
    expect(posixLanguages({ LANGUAGE: 'de:fr', LANG: 'en_GB.UTF-8' })).toEqual(['de', 'fr', 'en-GB']);
    // "C" names no language, and then gettext ignores LANGUAGE too.
    expect(posixLanguages({ LANGUAGE: 'de', LC_ALL: 'C.UTF-8' })).toEqual([]);
    expect(posixLanguages({ LANG: 'POSIX' })).toEqual([]);
    expect(posixLanguages({})).toEqual([]);
  });
});

async function renderApp(options: { policy?: Policy; systemLanguages?: string[] }) {
  const core = new KeywayCore({
    plainHttpLoopback: true,
    secrets: memorySecretStore(),
    settings: memorySettingsStore(),
    fetch: () => Promise.reject(new TypeError('fetch failed')),
    clock: { now: () => 0 },
    policy: options.policy ?? {},
    ...(options.systemLanguages ? { systemLanguages: options.systemLanguages } : {}),
    browser: { open: () => Promise.reject(new Error('no browser in unit tests')) },
  });
  await core.start();
  const { transport, emit } = createInProcessTransport(createDispatcher(createCoreHandlers(core)));
  core.onView((view) => emit(encodeEvent('view', view)));
  render(<App client={createClient(transport)} connected={true} />);
  return core;
}

describe('the renderer speaks the language core chose', () => {
  it('a French OS: Welcome in French, and <html lang="fr"> for screen readers', async () => {
    await renderApp({ systemLanguages: ['fr-FR', 'en-US'] });
    expect(await screen.findByRole('heading', { name: 'Bienvenue dans Keyway' })).toBeTruthy();
    expect(screen.getByLabelText('Lien de déploiement ou code d’authentification')).toBeTruthy();
    expect(document.documentElement.lang).toBe('fr');
  });

  it('a German policy on a French OS: German, and the managed note names the language', async () => {
    await renderApp({ policy: { defaultLanguage: 'de-DE', disableManualLogin: true }, systemLanguages: ['fr-FR'] });
    expect(await screen.findByRole('heading', { name: 'Willkommen bei Keyway' })).toBeTruthy();
    expect(screen.getByTestId('managed-note').textContent).toBe(
      'Von Ihrer Organisation verwaltet: manuelle Anmeldung ist deaktiviert; Sprache (Deutsch (Deutschland)).',
    );
    expect(document.documentElement.lang).toBe('de');
  });

  it('no supported language anywhere: English', async () => {
    await renderApp({ systemLanguages: ['ja-JP'] });
    expect(await screen.findByRole('heading', { name: 'Welcome to Keyway' })).toBeTruthy();
    expect(document.documentElement.lang).toBe('en');
  });
});

describe('errors in the user’s language', () => {
  const limited = {
    code: 'rate_limited',
    message: 'Too many sign-in attempts from this computer. Try again in 30 seconds.',
    retryAfter: 30,
  } as const;

  it('English shows core’s own, more specific message', () => {
    render(<ErrorMessage error={limited} id="e" />);
    expect(screen.getByRole('alert').textContent).toBe(limited.message);
  });

  it('German shows the code’s translation and when to try again, keeping the code for support', async () => {
    await applyLanguage('de');
    render(<ErrorMessage error={limited} id="e" />);
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toBe(
      'Zu viele Versuche. Bitte warten Sie einen Moment. Versuchen Sie es in 30 Sekunden erneut.',
    );
    expect(alert.dataset.errorCode).toBe('rate_limited');
  });

  it('a client-only code and a link-parser code are worded like the server’s: translated, never left in English', async () => {
    const keychain = { code: 'keychain_locked', message: 'The login keychain is locked.' } as const;
    const scheme = { code: 'link_wrong_scheme', message: 'This is a "mailto:" link, not a Keyway link.' } as const;
    render(<ErrorMessage error={keychain} id="e" />);
    expect(screen.getByRole('alert').textContent).toBe(keychain.message);
    cleanup();
    await applyLanguage('de');
    render(<ErrorMessage error={keychain} id="e" />);
    expect(screen.getByRole('alert').textContent).toBe(
      'Der Schlüsselbund des Systems ist gesperrt, daher kann Keyway Sie nicht angemeldet halten. Entsperren Sie ihn und versuchen Sie es dann erneut.',
    );
    cleanup();
    render(<ErrorMessage error={scheme} id="e" />);
    expect(screen.getByRole('alert').textContent).toBe(
      'Dies ist kein Keyway-Link. Fügen Sie den Link oder den Code aus Ihrer Bereitstellungs-E-Mail ein.',
    );
    expect(screen.getByRole('alert').textContent).not.toContain('mailto');
  });

  it('a lock-out of a quarter of an hour is said in minutes', async () => {
    await applyLanguage('fr');
    render(<ErrorMessage error={{ code: 'account_locked', message: 'Locked.', retryAfter: 900 }} id="e" />);
    expect(screen.getByRole('alert').textContent).toBe(
      'Votre compte est temporairement verrouillé après trop de tentatives infructueuses. Réessayez dans 15 minutes.',
    );
  });
});
