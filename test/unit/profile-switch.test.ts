import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chooseProfile } from '../../electron/core/profile-switch';

const resolve = (dir: string) => path.posix.resolve('/work', dir);
const dev = (...argv: string[]) => chooseProfile({ argv: ['electron', '.', ...argv], isPackaged: false, resolve });
const packaged = (...argv: string[]) =>
  chooseProfile({ argv: ['/opt/Keyway/keyway', ...argv], isPackaged: true, resolve });

describe('the --profile switch (development and tests only)', () => {
  it('gives a development run its own profile folder, in either spelling, relative to the working directory', () => {
    expect(dev('--profile', '/tmp/p1')).toEqual({ kind: 'custom', dir: '/tmp/p1' });
    expect(dev('--profile=/tmp/p2')).toEqual({ kind: 'custom', dir: '/tmp/p2' });
    expect(dev('--profile', '.keyway-dev/profile')).toEqual({ kind: 'custom', dir: '/work/.keyway-dev/profile' });
    expect(dev()).toEqual({ kind: 'default' });
  });

  it('is ignored by a packaged build, whatever the spelling', () => {
    for (const argv of [['--profile', '/tmp/evil'], ['--profile=/tmp/evil'], ['--inspect=0', '--profile', '/tmp/x']]) {
      expect(packaged(...argv)).toMatchObject({ kind: 'ignored' });
    }
    expect(packaged('keyway://deploy?code=ABCDE')).toEqual({ kind: 'default' });
  });

  it('never reads the deep link after "--" as a switch', () => {
    expect(dev('--', '--profile=/tmp/evil')).toEqual({ kind: 'default' });
    expect(dev('--', '--profile', '/tmp/evil')).toEqual({ kind: 'default' });
    expect(dev('--profile', '--', 'keyway://x')).toMatchObject({ kind: 'invalid' });
  });

  it('refuses a missing, empty, switch-like, repeated or URL value instead of using the real profile', () => {
    for (const argv of [
      ['--profile'],
      ['--profile='],
      ['--profile', '   '],
      ['--profile', '--inspect'],
      ['--profile', '/a', '--profile', '/b'],
      ['--profile=keyway://deploy?code=ABCDE'],
      ['--profile=file:///tmp/x'],
      ['--profile=/tmp/a\0b'],
    ]) {
      expect(dev(...argv), argv.join(' ')).toMatchObject({ kind: 'invalid' });
    }
  });
});
