import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import {
  checkElectronHardening,
  formatFinding,
  readAllowlist,
  readSources,
  type Sources,
} from './electron-hardening-check';

const root = path.resolve(import.meta.dirname, '..', '..', '..');

describe('Electron hardening, checked statically on the source', () => {
  it('electron/main, electron/preload and renderer/index.html have no finding', () => {
    const sources = readSources(root);
    expect(sources.main.map((source) => source.file)).toEqual(
      expect.arrayContaining(['electron/main/window.ts', 'electron/main/ipc-handlers.ts', 'electron/main/main.ts']),
    );
    expect(sources.main.some((source) => source.text.includes('new BrowserWindow'))).toBe(true);
    const findings = checkElectronHardening(ts, sources, readAllowlist(root));
    // One line per finding, file:line first, so the failure reads like a compiler error.
    expect(findings.map(formatFinding).join('\n')).toBe('');
  });
});

// The rules themselves, on small sources that break them.
const goodWindow = `
  import { BrowserWindow, ipcMain, shell } from 'electron';
  export function create() {
    const w = new BrowserWindow({ webPreferences: { contextIsolation: true, sandbox: true, nodeIntegration: false } });
    w.webContents.on('will-navigate', (e) => e.preventDefault());
    w.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
    ipcMain.handle('x', (event) => (event.senderFrame?.url === 'file:///app' ? 1 : 0));
  }
  export async function open(url: string) {
    if (!url.startsWith('https://')) throw new Error('no');
    await shell.openExternal(url);
  }`;
const goodHtml = `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'self'" />`;

function check(main: string, options: { preload?: string; html?: string } = {}): string[] {
  const sources: Sources = {
    main: [{ file: 'electron/main/window.ts', text: main }],
    preload: [{ file: 'electron/preload/preload.ts', text: options.preload ?? '' }],
    html: { file: 'renderer/index.html', text: options.html ?? goodHtml },
  };
  return checkElectronHardening(ts, sources, []).map((f) => `${f.rule}: ${f.message}`);
}

describe('the hardening rules', () => {
  it('accept a hardened window', () => {
    expect(check(goodWindow)).toEqual([]);
  });

  it.each([
    ['contextIsolation: false', /webPreferences\.contextIsolation must be true/],
    ['sandbox: false', /webPreferences\.sandbox must be true/],
    ['nodeIntegration: true', /webPreferences\.nodeIntegration must be false/],
  ])('refuse %s', (setting, message) => {
    const [name = ''] = setting.split(':');
    const broken = goodWindow.replace(new RegExp(`${name}: (true|false)`), setting);
    expect(check(broken)).toEqual([expect.stringMatching(message)]);
  });

  it.each([
    ['webSecurity: false', /webSecurity must not be false/],
    ['allowRunningInsecureContent: true', /allowRunningInsecureContent must be false or absent/],
    ['experimentalFeatures: true', /experimentalFeatures must be false or absent/],
    ["enableBlinkFeatures: 'CSSPaint'", /enableBlinkFeatures must be absent/],
    ['...extra', /spreads another object/],
  ])('refuse %s', (setting, message) => {
    const broken = goodWindow.replace('nodeIntegration: false }', `nodeIntegration: false, ${setting} }`);
    expect(check(broken)).toEqual([expect.stringMatching(message)]);
  });

  it('refuse a window whose preferences cannot be seen', () => {
    expect(check(goodWindow.replace(/\{ webPreferences: \{[^}]*\} \}/, 'options'))).toEqual([
      expect.stringMatching(/without literal options/),
    ]);
    expect(check(goodWindow.replace(/webPreferences: \{[^}]*\}/, 'title: "x"'))).toEqual([
      expect.stringMatching(/without webPreferences/),
    ]);
  });

  it('need will-navigate and setWindowOpenHandler', () => {
    const findings = check(
      goodWindow.replace("'will-navigate'", "'did-finish-load'").replace('setWindowOpenHandler', 'x'),
    );
    expect(findings).toEqual([expect.stringMatching(/^navigation-guard/), expect.stringMatching(/^window-open-guard/)]);
  });

  it('want shell.openExternal behind a check, from one function only', () => {
    expect(check(goodWindow.replace("if (!url.startsWith('https://')) throw new Error('no');", ''))).toEqual([
      expect.stringMatching(/^open-external: shell.openExternal without a check/),
    ]);
    const twice = `${goodWindow}\nexport async function other(url: string) { if (!url) return; await shell.openExternal(url); }`;
    expect(check(twice)).toEqual([
      expect.stringMatching(/called from 2 functions/),
      expect.stringMatching(/called from 2 functions/),
    ]);
  });

  it('want every IPC handler to look at its sender', () => {
    expect(check(goodWindow.replace("(event.senderFrame?.url === 'file:///app' ? 1 : 0)", '1'))).toEqual([
      expect.stringMatching(/^ipc-sender: ipcMain.handle handler never looks at/),
    ]);
    expect(check(goodWindow.replace(/ipcMain\.handle\('x', [^;]*;/, "ipcMain.on('x', handler);"))).toEqual([
      expect.stringMatching(/pass the handler inline/),
    ]);
  });

  it('refuse switches that turn protections off', () => {
    expect(check(`${goodWindow}\napp.commandLine.appendSwitch('ignore-certificate-errors');`)).toEqual([
      expect.stringMatching(/^insecure-switch/),
    ]);
  });

  it('refuse a preload that exposes ipcRenderer', () => {
    const preload = "contextBridge.exposeInMainWorld('api', { ipc: ipcRenderer });";
    expect(check(goodWindow, { preload })).toEqual([expect.stringMatching(/^preload-exposure/)]);
    const narrow = "contextBridge.exposeInMainWorld('api', { ping: () => ipcRenderer.invoke('ping') });";
    expect(check(goodWindow, { preload: narrow })).toEqual([]);
  });

  it.each([
    ['no CSP', '<title>x</title>', /no Content-Security-Policy/],
    [
      'unsafe-inline',
      `<meta http-equiv="Content-Security-Policy" content="default-src 'self' 'unsafe-inline'">`,
      /'unsafe-inline'/,
    ],
    [
      'unsafe-eval',
      `<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self' 'unsafe-eval'">`,
      /'unsafe-eval'/,
    ],
    [
      'remote scripts',
      `<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src https:">`,
      /script-src allows https:/,
    ],
    [
      'no default-src',
      `<meta http-equiv="Content-Security-Policy" content="script-src 'self'">`,
      /without default-src/,
    ],
  ])('refuse a renderer page with %s', (_name, html, message) => {
    expect(check(goodWindow, { html })).toEqual([expect.stringMatching(message)]);
  });

  it('let an explained exception through, and flag an exception that explains nothing', () => {
    const sources: Sources = {
      main: [{ file: 'electron/main/window.ts', text: goodWindow.replace('sandbox: true', 'sandbox: false') }],
      preload: [],
      html: { file: 'renderer/index.html', text: goodHtml },
    };
    const reason = 'a test';
    expect(
      checkElectronHardening(ts, sources, [{ rule: 'window-preferences', file: 'electron/main/window.ts', reason }]),
    ).toEqual([]);
    const stale = checkElectronHardening(
      ts,
      { ...sources, main: [{ file: 'electron/main/window.ts', text: goodWindow }] },
      [{ rule: 'window-preferences', file: 'electron/main/window.ts', reason }],
    );
    expect(stale.map(formatFinding)).toEqual([
      'security/allowlist.json:1 [allowlist] window-preferences electron/main/window.ts: explains no finding any more; remove it',
    ]);
  });
});
