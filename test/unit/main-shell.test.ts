import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { KeywayError } from '../../protocol/errors';
import { UI_LANGUAGES } from '../../electron/ipc/view';
import { APP_USER_MODEL_ID, devProtocolRegistration } from '../../electron/main/app-identity';
import { applicationMenuTemplate } from '../../electron/main/app-menu';
import { MAIN_TEXT } from '../../electron/main/main-text';
import { STARTUP_FAILURE_EXIT_CODE, startupFailureText } from '../../electron/main/startup-failure';

const root = path.resolve(import.meta.dirname, '..', '..');
const en = MAIN_TEXT.en;

function items(template: readonly MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return template.flatMap((item) => [item, ...(Array.isArray(item.submenu) ? items(item.submenu) : [])]);
}

describe('the application menu', () => {
  const platforms: NodeJS.Platform[] = ['darwin', 'win32', 'linux'];

  it.each(platforms)(
    '%s, packaged: Edit with copy/paste/select all and Window; no reload, no devtools, no links',
    (platform) => {
      const template = applicationMenuTemplate({ platform, packaged: true, text: en });
      const all = items(template);
      const roles = all.map((item) => item.role).filter(Boolean);
      expect(roles).toEqual(
        expect.arrayContaining(['copy', 'paste', 'selectAll', 'cut', 'undo', 'redo', 'minimize', 'close']),
      );
      expect(template.map((item) => item.label)).toEqual(expect.arrayContaining(['Edit', 'Window']));
      for (const forbidden of ['reload', 'forceReload', 'toggleDevTools', 'help', 'viewMenu', 'windowMenu']) {
        expect(roles).not.toContain(forbidden);
      }
      // Nothing runs code of its own: no click handler (the default menu's "Learn More" opens a website).
      expect(all.filter((item) => item.click !== undefined)).toEqual([]);
      expect(JSON.stringify(template)).not.toMatch(/https?:/);
    },
  );

  it('macOS has the app menu first, with Quit; Windows and Linux have none', () => {
    const mac = applicationMenuTemplate({ platform: 'darwin', packaged: true, text: en });
    expect(mac[0]?.label).toBe('Keyway');
    expect(items(mac).map((item) => item.role)).toContain('quit');
    const windows = applicationMenuTemplate({ platform: 'win32', packaged: true, text: en });
    expect(windows[0]?.label).toBe('Edit');
    expect(items(windows).map((item) => item.role)).not.toContain('quit');
  });

  it('development keeps Reload and the developer tools', () => {
    const roles = items(applicationMenuTemplate({ platform: 'linux', packaged: false, text: en })).map((i) => i.role);
    expect(roles).toEqual(expect.arrayContaining(['reload', 'toggleDevTools']));
  });

  it('speaks every language the app speaks, every label filled', () => {
    for (const language of UI_LANGUAGES) {
      const text = MAIN_TEXT[language];
      for (const [key, value] of Object.entries(text) as [string, string][])
        expect(value.trim(), `${language}.${key}`).not.toBe('');
      const labels = items(applicationMenuTemplate({ platform: 'darwin', packaged: false, text }))
        .filter((item) => item.type !== 'separator')
        .map((item) => item.label);
      expect(labels.every((label) => typeof label === 'string' && label !== '')).toBe(true);
    }
    expect(MAIN_TEXT.de.copy).toBe('Kopieren');
    expect(MAIN_TEXT.fr.copy).toBe('Copier');
  });
});

describe('the start-up failure dialog', () => {
  it('exits non-zero', () => {
    expect(STARTUP_FAILURE_EXIT_CODE).not.toBe(0);
  });

  it('says the start failed and why', () => {
    const { title, content } = startupFailureText(new Error('EACCES: permission denied, open settings.json'), en);
    expect(title).toBe('Keyway could not start');
    expect(content).toBe('Keyway could not start and will close.\n\nEACCES: permission denied, open settings.json');
  });

  it('names Keyway’s error code', () => {
    const { content } = startupFailureText(new KeywayError('keychain_unavailable', 'No keychain.'), MAIN_TEXT.de);
    expect(content).toBe('Keyway konnte nicht starten und wird beendet.\n\nNo keychain. (keychain_unavailable)');
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['an object', { reason: 'x' }],
    ['an empty message', new Error('')],
    ['only control characters', new Error('\u0000\u001b\u0007')],
  ])('falls back to a generic reason for %s', (_name, error) => {
    expect(startupFailureText(error, MAIN_TEXT.fr).content).toBe(
      'Keyway n’a pas pu démarrer et va se fermer.\n\nUne erreur inattendue s’est produite.',
    );
  });

  it('shows no control characters and no endless text', () => {
    const { content } = startupFailureText(new Error(`bad\u001b[31m red\r\nline\u0000${'x'.repeat(5000)}`), en);
    expect(Array.from(content).filter((char) => char !== '\n' && char.charCodeAt(0) < 0x20)).toEqual([]);
    const reason = content.split('\n\n')[1] ?? '';
    expect(reason.startsWith('bad [31m red line x')).toBe(true);
    expect(reason.length).toBeLessThanOrEqual(500);
    expect(reason.endsWith('…')).toBe(true);
  });

  it('takes a thrown string as the reason', () => {
    expect(startupFailureText('disk full', en).content).toMatch(/\n\ndisk full$/);
  });
});

describe('who the app is to the OS', () => {
  it('AppUserModelId is electron-builder.yml’s appId (the shortcuts’ ID)', () => {
    // builder-config.test.ts checks the same value through electron-builder's own config loader.
    const appId = /^appId:\s*(\S+)\s*$/m.exec(readFileSync(path.join(root, 'electron-builder.yml'), 'utf8'))?.[1];
    expect(APP_USER_MODEL_ID).toBe(appId);
  });

  it('a packaged app never registers keyway:// at run time: the installers do, and remove it', () => {
    expect(devProtocolRegistration({ defaultApp: false, execPath: 'C:\\Keyway\\Keyway.exe', appPath: 'x' })).toBeNull();
  });

  it('the dev binary registers itself with the absolute app path, then "--" last', () => {
    expect(
      devProtocolRegistration({
        defaultApp: true,
        execPath: '/usr/lib/electron/electron',
        appPath: '/home/dev/keyway',
      }),
    ).toEqual({ executable: '/usr/lib/electron/electron', args: ['/home/dev/keyway', '--'] });
  });
});
