// `npm run screenshots`: builds, then runs the screen tour, the language tests and the admin console's
// pictures with them going to docs/screenshots/ (the README's "Screens" and "Administration" sections)
// instead of test-results/screenshots/.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const run = (command, args, env = {}) => {
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: root, env: { ...process.env, ...env } });
  if (result.status !== 0) process.exit(result.status ?? 1);
};
run('npm', ['run', '--silent', 'build']);
run(
  process.execPath,
  [
    path.join(root, 'scripts', 'with-keyring.mjs'),
    'npx',
    '--no-install',
    'playwright',
    'test',
    'test/e2e/screens-tour.spec.ts',
    'test/e2e/language.spec.ts',
    'test/e2e/admin-screenshots.spec.ts',
  ],
  { KEYWAY_SCREENSHOT_DIR: path.join(root, 'docs', 'screenshots') },
);
