import { describe, expect, it } from 'vitest';
import { isAppPageUrl } from '../../electron/main/trusted-page';

const app = 'file:///opt/Keyway/resources/app.asar/dist/renderer/index.html';

describe('the app page gate (IPC sender and navigation)', () => {
  it('accepts the app page, with or without a hash', () => {
    expect(isAppPageUrl(app, app)).toBe(true);
    expect(isAppPageUrl(`${app}#/home`, app)).toBe(true);
  });

  it.each([
    ['another local file', 'file:///tmp/evil.html'],
    ['the app page with a query', `${app}?x=1`],
    ['a web page', 'https://attacker.example/index.html'],
    ['a data URL', 'data:text/html,<script>alert(1)</script>'],
    ['about:blank', 'about:blank'],
    ['garbage', 'not a url'],
    ['nothing (destroyed frame)', undefined],
  ])('refuses %s', (_name, candidate) => {
    expect(isAppPageUrl(candidate, app)).toBe(false);
  });
});
