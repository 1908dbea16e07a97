import { describe, expect, it } from 'vitest';
import {
  CLIPBOARD_WRITE_PERMISSION,
  ipcSenderDecision,
  isAppPageUrl,
  mayNavigate,
  originOf,
  permissionDecision,
  windowOpenDecision,
} from '../../electron/main/guards';

// The app page as the app:// scheme serves it (electron/core/app-page), and the file URL it had before.
const APP = 'app://keyway/index.html';
const FILE_APP = 'file:///C:/Program%20Files/Keyway/resources/app.asar/dist/renderer/index.html';

describe('the app page and its origin', () => {
  it('gives app:// the origin Chromium gives a standard scheme (Node says "null")', () => {
    expect(new URL(APP).origin).toBe('null');
    expect(originOf(APP)).toBe('app://keyway');
    expect(originOf('APP://KEYWAY/x')).toBe('app://keyway');
    expect(originOf('not a url')).toBeNull();
    expect(originOf(undefined)).toBeNull();
  });

  it('accepts the app page, with a hash or a differently cased host', () => {
    for (const page of [APP, `${APP}#/home`, 'app://KEYWAY/index.html']) expect(isAppPageUrl(page, APP)).toBe(true);
    expect(isAppPageUrl(`${FILE_APP}#x`, FILE_APP)).toBe(true);
  });

  it.each([
    ['another host on the scheme', 'app://evil/index.html'],
    ['another file of the app', 'app://keyway/assets/index.js'],
    ['the page with a query', `${APP}?x=1`],
    ['user info', 'app://user:pw@keyway/index.html'],
    ['a look-alike scheme', 'apps://keyway/index.html'],
    ['a web page with the same path', 'https://keyway/index.html'],
    ['a local file', 'file:///tmp/index.html'],
    ['a data URL', 'data:text/html,<script>alert(1)</script>'],
    ['a javascript URL', 'javascript:alert(1)'],
    ['about:blank', 'about:blank'],
    ['garbage', 'not a url'],
    ['nothing', undefined],
  ])('refuses %s', (_name, candidate) => {
    expect(isAppPageUrl(candidate, APP)).toBe(false);
  });
});

describe('navigation (will-navigate, will-frame-navigate, will-redirect)', () => {
  it('lets the window go only to the app page itself', () => {
    expect(mayNavigate(`${APP}#/otp`, APP)).toBe(true);
  });

  it.each([
    'https://attacker.example/',
    'http://127.0.0.1:7400/oidc/auth',
    'keyway://deploy?code=x',
    'file:///etc/passwd',
    'app://keyway/../../etc/passwd',
    'chrome://settings',
    'devtools://devtools/bundled/inspector.html',
    '',
  ])('keeps the window where it is instead of going to %j', (target) => {
    expect(mayNavigate(target, APP)).toBe(false);
  });
});

describe('window.open', () => {
  it('is always denied', () => {
    expect(windowOpenDecision()).toEqual({ action: 'deny' });
  });
});

describe('permissions (requests and checks)', () => {
  const appAsk = { permission: CLIPBOARD_WRITE_PERMISSION, requestingUrl: APP, isMainFrame: true, fromAppWindow: true };

  it('allow the app page to write the clipboard (Copy on the OTP and MFA screens)', () => {
    expect(CLIPBOARD_WRITE_PERMISSION).toBe('clipboard-sanitized-write');
    expect(permissionDecision(appAsk, APP)).toBe(true);
    expect(permissionDecision({ ...appAsk, requestingUrl: `${APP}#/otp` }, APP)).toBe(true);
    expect(permissionDecision({ ...appAsk, requestingOrigin: 'app://keyway' }, APP)).toBe(true);
  });

  it.each([
    ['clipboard-read', { permission: 'clipboard-read' }],
    ['camera and microphone', { permission: 'media' }],
    ['notifications', { permission: 'notifications' }],
    ['geolocation', { permission: 'geolocation' }],
    ['opening external protocols', { permission: 'openExternal' }],
    ['an unknown permission', { permission: 'unknown' }],
    ['a differently cased name', { permission: 'Clipboard-Sanitized-Write' }],
    ['a subframe', { isMainFrame: false }],
    ['another web contents showing the app page', { fromAppWindow: false }],
    ['another page in the app window', { requestingUrl: 'https://attacker.example/' }],
    ['another host on the app scheme', { requestingUrl: 'app://evil/index.html' }],
    ['no document (a worker)', { requestingUrl: undefined }],
    ['a check for another origin', { requestingOrigin: 'https://attacker.example' }],
  ])('refuse %s', (_name, change) => {
    expect(permissionDecision({ ...appAsk, ...change }, APP)).toBe(false);
  });
});

describe('the IPC sender check', () => {
  // Stand-ins for WebContents and WebFrameMain: only their identity and the frame's URL matter.
  const appContents = { id: 1 };
  const mainFrame = { url: APP };
  const app = { webContents: appContents, mainFrame };

  it('trusts the app window’s main frame showing the app', () => {
    expect(ipcSenderDecision({ sender: appContents, senderFrame: mainFrame }, app, APP)).toEqual({ trusted: true });
  });

  it('does not depend on how a file URL spells the drive letter (identity first, then origin)', () => {
    const frame = { url: FILE_APP.replace('C:', 'c:') };
    const fileApp = { webContents: appContents, mainFrame: frame };
    expect(ipcSenderDecision({ sender: appContents, senderFrame: frame }, fileApp, FILE_APP)).toEqual({
      trusted: true,
    });
  });

  it.each([
    ['another window, even showing the app page', { sender: { id: 2 }, senderFrame: mainFrame }],
    ['a look-alike of the app contents', { sender: { id: 1 }, senderFrame: mainFrame }],
    ['a subframe of the app window showing the app page', { sender: appContents, senderFrame: { url: APP } }],
    ['a destroyed or navigated-away frame', { sender: appContents, senderFrame: null }],
  ])('refuses %s', (_name, event) => {
    expect(ipcSenderDecision(event, app, APP)).toMatchObject({ trusted: false });
  });

  it('refuses the app window’s main frame once it shows anything but the app', () => {
    for (const url of ['https://attacker.example/', 'app://evil/index.html', 'about:blank', 'data:text/html,x']) {
      const frame = { url };
      expect(ipcSenderDecision({ sender: appContents, senderFrame: frame }, { ...app, mainFrame: frame }, APP)).toEqual(
        {
          trusted: false,
          reason: 'the frame is not showing the app',
        },
      );
    }
  });

  it('refuses everything while there is no app window', () => {
    expect(ipcSenderDecision({ sender: appContents, senderFrame: mainFrame }, null, APP)).toMatchObject({
      trusted: false,
    });
  });
});
