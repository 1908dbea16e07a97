// @vitest-environment happy-dom
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { UiLanguage, ViewOf } from '../../electron/ipc/view';
import { RecoveryCodesScreen } from '../../renderer/src/screens/RecoveryCodesScreen';
import { recordingBridge, renderScreen } from './support/render-screen';

afterEach(() => {
  vi.restoreAllMocks();
});

const CODES = Array.from({ length: 10 }, (_, i) => `abcd-efgh-jk${'mnpqrstuvw'[i]}${'23456789ab'[i]}`);
const view: ViewOf<'recoveryCodes'> = {
  screen: 'recoveryCodes',
  serverHost: 'keyway.example.com',
  loginId: 'ana',
  codes: CODES,
};

/** The screen over a bridge whose exportRecoveryCodes answers `answer`, recording every command. */
const show = (answer: unknown, language?: UiLanguage) =>
  renderScreen((client) => <RecoveryCodesScreen view={view} client={client} />, {
    bridge: recordingBridge((command) => (command === 'exportRecoveryCodes' ? answer : null)),
    language,
  });

/** happy-dom has no window.print: a stand-in the test can count. */
function stubPrint(): ReturnType<typeof vi.fn> {
  const print = vi.fn();
  Object.defineProperty(window, 'print', { value: print, configurable: true, writable: true });
  return print;
}

const words = {
  en: { title: 'Save your recovery codes', save: 'Save as text file', print: 'Print', go: 'I saved them, continue' },
  fr: {
    title: 'Enregistrez vos codes de récupération',
    save: 'Enregistrer en fichier texte',
    print: 'Imprimer',
    go: 'Je les ai enregistrés, continuer',
  },
  de: {
    title: 'Speichern Sie Ihre Wiederherstellungscodes',
    save: 'Als Textdatei speichern',
    print: 'Drucken',
    go: 'Gespeichert, weiter',
  },
} as const;

describe('"Save your recovery codes" in English, French and German', () => {
  for (const [language, expected] of Object.entries(words)) {
    it(`${language}: the ten codes and the four actions`, async () => {
      await show(null, language as keyof typeof words);
      expect(screen.getByRole('heading', { level: 1 }).textContent).toBe(expected.title);
      expect(screen.getAllByRole('listitem').map((li) => li.textContent)).toEqual(CODES);
      for (const name of [expected.save, expected.print, expected.go])
        expect(screen.getByRole('button', { name })).toBeTruthy();
    });
  }
});

describe('Save and Print: the app does them, or the page', () => {
  it('the harness: Save downloads core’s file under core’s name; Print prints the page', async () => {
    const file = { name: 'keyway-recovery-codes-keyway.example.com.txt', text: CODES.join('\n') };
    const clicked: { download: string; href: string }[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push({ download: this.download, href: this.href });
    });
    const print = stubPrint();
    const { calls } = await show({ by: 'page', file });
    fireEvent.click(screen.getByRole('button', { name: 'Save as text file' }));
    await waitFor(() => expect(clicked).toHaveLength(1));
    expect(clicked[0]?.download).toBe(file.name);
    expect(clicked[0]?.href).toMatch(/^blob:/);
    expect(calls).toContainEqual(['exportRecoveryCodes', { action: 'save' }]);
    fireEvent.click(screen.getByRole('button', { name: 'Print' }));
    await waitFor(() => expect(print).toHaveBeenCalledTimes(1));
  });

  it('Electron: main did it, so the page neither downloads nor prints', async () => {
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined);
    const print = stubPrint();
    const { calls } = await show({ by: 'app', done: true });
    fireEvent.click(screen.getByRole('button', { name: 'Save as text file' }));
    fireEvent.click(screen.getByRole('button', { name: 'Print' }));
    await waitFor(() => expect(calls.filter(([c]) => c === 'exportRecoveryCodes')).toHaveLength(2));
    await screen.findByText('Saved.');
    expect(click).not.toHaveBeenCalled();
    expect(print).not.toHaveBeenCalled();
  });

  it('Continue tells core, and sends no code back', async () => {
    const { calls } = await show(null);
    fireEvent.click(screen.getByRole('button', { name: 'I saved them, continue' }));
    expect(calls).toEqual([['continueFromRecoveryCodes', {}]]);
  });
});
