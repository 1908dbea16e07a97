/**
 * `--profile <dir>` (or `--profile=<dir>`): run Keyway with its own profile folder (settings, Chromium
 * data, and the single-instance lock, which Electron keeps in the userData folder: electron#33559), so
 * tests and a developer's second copy never touch the real profile. Honoured only in development
 * (`app.isPackaged` false); a packaged build ignores it and says so, so nothing that can start the
 * installed app with arguments can point it at another profile. Only arguments before `--` are read:
 * what follows is the deep link the OS hands over (electron/main/deep-links.ts), never a switch.
 */
const PROFILE_SWITCH = '--profile';

export type ProfileChoice =
  | { readonly kind: 'default' }
  | { readonly kind: 'custom'; readonly dir: string }
  | { readonly kind: 'ignored'; readonly reason: string }
  | { readonly kind: 'invalid'; readonly reason: string };

export function chooseProfile(options: {
  readonly argv: readonly string[];
  readonly isPackaged: boolean;
  /** path.resolve: a relative folder is taken from the working directory. */
  readonly resolve: (dir: string) => string;
}): ProfileChoice {
  const end = options.argv.indexOf('--');
  const args = end === -1 ? options.argv : options.argv.slice(0, end);
  const values: (string | undefined)[] = [];
  args.forEach((arg, index) => {
    if (arg === PROFILE_SWITCH) values.push(args[index + 1]);
    else if (arg.startsWith(`${PROFILE_SWITCH}=`)) values.push(arg.slice(PROFILE_SWITCH.length + 1));
  });
  if (values.length === 0) return { kind: 'default' };
  if (options.isPackaged) {
    return { kind: 'ignored', reason: `${PROFILE_SWITCH} is ignored: it works only in development and tests` };
  }
  if (values.length > 1) return { kind: 'invalid', reason: `${PROFILE_SWITCH} is given more than once` };
  const value = values[0];
  if (value === undefined || value.trim() === '' || value.startsWith('-')) {
    return { kind: 'invalid', reason: `${PROFILE_SWITCH} needs a folder, e.g. ${PROFILE_SWITCH} .keyway-dev/profile` };
  }
  if (value.includes('\0') || /^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    return { kind: 'invalid', reason: `${PROFILE_SWITCH} needs a folder path, not a URL` };
  }
  return { kind: 'custom', dir: options.resolve(value) };
}
