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
});
