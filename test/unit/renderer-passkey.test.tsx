// @vitest-environment happy-dom
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { createCoreHandlers } from '../../electron/core/keyway-core';
import { createClient } from '../../electron/ipc/client';
import { createDispatcher } from '../../electron/ipc/dispatcher';
import { createInProcessTransport } from '../../electron/ipc/in-process';
import type { ViewOf } from '../../electron/ipc/view';
import { applyLanguage } from '../../renderer/src/i18n';
import { PasskeyStepScreen } from '../../renderer/src/screens/PasskeyStepScreen';
import { SecurityScreen } from '../../renderer/src/screens/SecurityScreen';
import { offlineCore } from './support/memory-ports';

// The passkey screens in the three languages: the words a user reads come from the catalogues.
afterEach(async () => {
  cleanup();
  await act(() => applyLanguage('en'));
});

const client = () =>
  createClient(createInProcessTransport(createDispatcher(createCoreHandlers(offlineCore()))).transport);

const waiting: ViewOf<'passkeyStep'> = {
  screen: 'passkeyStep',
  purpose: 'signIn',
  serverHost: 'keyway.example.com',
  loginId: 'ana',
  opened: true,
};
const security: ViewOf<'security'> = {
  screen: 'security',
  serverHost: 'keyway.example.com',
  loaded: true,
  authenticators: [],
  devices: [],
  recoveryCodes: null,
  passkeys: [
    { id: 'pk1', name: 'Laptop', createdAt: Date.UTC(2026, 0, 2), lastUsedAt: null, authenticator: 'iCloud Keychain' },
  ],
  enrolling: null,
  busy: false,
  error: null,
};

const words = {
  en: { title: 'Continue in your browser', reopen: 'Open the browser again', list: 'Passkeys', add: 'Add a passkey' },
  fr: {
    title: 'Continuez dans votre navigateur',
    reopen: 'Rouvrir le navigateur',
    list: 'Clés d’accès',
    add: 'Ajouter une clé d’accès',
  },
  de: { title: 'Im Browser fortfahren', reopen: 'Browser erneut öffnen', list: 'Passkeys', add: 'Passkey hinzufügen' },
} as const;

describe('the passkey screens in English, French and German', () => {
  for (const [language, expected] of Object.entries(words)) {
    it(`${language}: the waiting screen and the passkeys on Sign-in security`, async () => {
      await act(() => applyLanguage(language as keyof typeof words));
      render(<PasskeyStepScreen view={waiting} client={client()} />);
      expect(screen.getByRole('heading', { level: 1 }).textContent).toBe(expected.title);
      expect(screen.getByRole('button', { name: expected.reopen })).toBeTruthy();
      expect(screen.getByText(/ana/).textContent).toContain('keyway.example.com');
      cleanup();

      render(<SecurityScreen view={security} client={client()} />);
      expect(screen.getByRole('heading', { name: expected.list })).toBeTruthy();
      expect(screen.getByRole('button', { name: expected.add })).toBeTruthy();
      expect(screen.getByTestId('passkeys').textContent).toContain('Laptop (iCloud Keychain)');
    });
  }
});
