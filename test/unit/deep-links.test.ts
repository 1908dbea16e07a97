import { describe, expect, it } from 'vitest';
import { deepLinkFromArgv } from '../../electron/main/deep-links';

describe('deep link routing from argv', () => {
  it.each([
    ['Windows cold start', ['C:\\Program Files\\Keyway\\Keyway.exe', 'keyway://deploy?c=1'], 'keyway://deploy?c=1'],
    ['Linux .desktop %U', ['/opt/Keyway/keyway', 'keyway://deploy?c=1'], 'keyway://deploy?c=1'],
    ['development (electron .)', ['/usr/bin/electron', '.', 'keyway://deploy?c=1'], 'keyway://deploy?c=1'],
    [
      'second-instance argv with Chromium switches',
      ['/opt/Keyway/keyway', '--allow-file-access-from-files', '--original-process-start-time=1', 'keyway://d'],
      'keyway://d',
    ],
    ['scheme in capitals', ['keyway.exe', 'KEYWAY://deploy'], 'KEYWAY://deploy'],
    ['surrounding whitespace', ['keyway.exe', '  keyway://deploy  '], 'keyway://deploy'],
  ])('finds the link: %s', (_name, argv, expected) => {
    expect(deepLinkFromArgv(argv)).toBe(expected);
  });

  it.each([
    ['no link at all', ['keyway.exe', '--inspect']],
    ['only the executable', ['keyway.exe']],
    ['another scheme', ['keyway.exe', 'https://keyway.example/deploy']],
    ['a lookalike scheme', ['keyway.exe', 'keywayx://deploy']],
    ['argv[0] itself is never a link', ['keyway://evil']],
  ])('finds nothing: %s', (_name, argv) => {
    expect(deepLinkFromArgv(argv)).toBeNull();
  });

  it('finds an oversized link too, so that deliverDeepLink refuses it out loud (link-limit.test.ts)', () => {
    const long = `keyway://${'a'.repeat(5000)}`;
    expect(deepLinkFromArgv(['keyway.exe', long])).toBe(long);
  });

  it('finds the link after "--", where a crafted link cannot pose as a switch', () => {
    expect(deepLinkFromArgv(['Keyway.exe', '--', 'keyway://deploy?code=X --inspect'])).toBe(
      'keyway://deploy?code=X --inspect',
    );
  });

  it.each([
    [
      'switches injected before the link',
      ['Keyway.exe', '--inspect=9229', '--remote-debugging-port=9222', '--', 'keyway://deploy?c=1'],
      'keyway://deploy?c=1',
    ],
    [
      'the link inside a switch is not the link',
      ['Keyway.exe', '--x=keyway://evil', 'keyway://deploy'],
      'keyway://deploy',
    ],
    ['the first of two links', ['Keyway.exe', 'keyway://first', 'keyway://second'], 'keyway://first'],
    ['flags appended after the link', ['Keyway.exe', '--', 'keyway://d', '--inspect'], 'keyway://d'],
  ])('second-instance argv, reordered or with injected flags: %s', (_name, argv, expected) => {
    expect(deepLinkFromArgv(argv)).toBe(expected);
  });

  it.each([
    ['a switch only', ['Keyway.exe', '--remote-debugging-port=9222']],
    ['a switch that embeds the scheme', ['Keyway.exe', '--user-data-dir=keyway://x']],
    ['a file URL', ['Keyway.exe', 'file:///etc/passwd']],
    ['a javascript URL', ['Keyway.exe', 'javascript:alert(1)']],
    ['a data URL', ['Keyway.exe', 'data:text/html,<script>alert(1)</script>']],
    ['the scheme after a NUL', ['Keyway.exe', '\0keyway://x']],
  ])('second-instance argv carries no link: %s', (_name, argv) => {
    expect(deepLinkFromArgv(argv)).toBeNull();
  });
});
