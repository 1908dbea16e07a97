// @vitest-environment happy-dom
import { cleanup, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { ViewOf } from '../../electron/ipc/view';
import { PasskeyStepScreen } from '../../renderer/src/screens/PasskeyStepScreen';
import { SecurityScreen } from '../../renderer/src/screens/SecurityScreen';
import { offlineCore } from './support/memory-ports';
import { coreBridge, renderScreen } from './support/render-screen';

// The passkey screens in the three languages: the words a user reads come from the catalogues.

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
      const inLanguage = { language: language as keyof typeof words };
      await renderScreen((client) => <PasskeyStepScreen view={waiting} client={client} />, {
        bridge: coreBridge(offlineCore()),
        ...inLanguage,
      });
      expect(screen.getByRole('heading', { level: 1 }).textContent).toBe(expected.title);
      expect(screen.getByRole('button', { name: expected.reopen })).toBeTruthy();
      expect(screen.getByText(/ana/).textContent).toContain('keyway.example.com');
      cleanup();

      await renderScreen((client) => <SecurityScreen view={security} client={client} />, {
        bridge: coreBridge(offlineCore()),
        ...inLanguage,
      });
      expect(screen.getByRole('heading', { name: expected.list })).toBeTruthy();
      expect(screen.getByRole('button', { name: expected.add })).toBeTruthy();
      expect(screen.getByTestId('passkeys').textContent).toContain('Laptop (iCloud Keychain)');
    });
  }
});
