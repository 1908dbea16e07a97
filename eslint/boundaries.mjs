// The dependency arrows of docs/architecture.md, as lint rules. Arrows point inward:
//   renderer → ipc → protocol;  main, harness → core, ipc;  core → ipc, protocol;  preload → ipc;
//   server → protocol.  Nothing imports main, harness, preload or renderer.
// Path zones catch imports between our folders (whatever spelling reaches them); the package rules
// catch `electron` in core and Node built-ins in code that runs in the page.
import { builtinModules } from 'node:module';
import path from 'node:path';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';

const layer = (from, target, message) => ({ target, from, message });
const root = path.resolve(import.meta.dirname, '..');

const zones = [
  layer(
    ['./electron', './renderer', './server'],
    './protocol',
    'protocol/ is the wire contract and imports nothing of ours.',
  ),
  layer(
    ['./electron/main', './electron/preload', './electron/harness', './renderer', './server'],
    './electron/ipc',
    "electron/ipc may import only protocol/ (and core/onboarding/wire.ts, the steps' wire declarations).",
  ),
  // The one exception to "ipc never imports core": the table of the steps' wire files, from which ipc
  // composes the contract (see electron/core/onboarding/wire.ts for why they live in the step folders).
  {
    target: './electron/ipc',
    from: './electron/core',
    except: ['./onboarding/wire.ts'],
    message: "electron/ipc may import only protocol/ (and core/onboarding/wire.ts, the steps' wire declarations).",
  },
  // What the exception lets through must itself import nothing of core but other wire files, and no ipc
  // module that composes them (view.ts, contract.ts: an import cycle). Globs, so exceptions are absolute.
  {
    target: './electron/core/onboarding/**/wire.ts',
    from: `${root}/electron/core/**`,
    except: [`${root}/electron/core/onboarding/**/wire.ts`],
    message: "A step's wire.ts may import only zod, protocol/, electron/ipc/screen-kit.ts and other wire files.",
  },
  {
    target: './electron/core/onboarding/**/wire.ts',
    from: ['./electron/ipc/view.ts', './electron/ipc/contract.ts'],
    message: "A step's wire.ts may import only zod, protocol/, electron/ipc/screen-kit.ts and other wire files.",
  },
  layer(
    ['./electron/main', './electron/preload', './electron/harness', './renderer', './server'],
    './electron/core',
    'electron/core may import only electron/ipc and protocol/.',
  ),
  layer(
    ['./electron/harness', './electron/preload', './renderer', './server'],
    './electron/main',
    'electron/main may import only electron/core, electron/ipc and protocol/.',
  ),
  layer(
    ['./electron/core', './electron/main', './electron/harness', './renderer', './server', './protocol'],
    './electron/preload',
    'electron/preload may import only electron/ipc.',
  ),
  layer(
    ['./electron/main', './electron/preload', './renderer', './server'],
    './electron/harness',
    'electron/harness may import only electron/core, electron/ipc and protocol/.',
  ),
  layer(
    ['./electron/core', './electron/main', './electron/preload', './electron/harness', './server', './protocol'],
    './renderer',
    'renderer/ may import only electron/ipc.',
  ),
  layer(['./electron', './renderer'], './server', 'server/ may import only protocol/.'),
];

const nodeBuiltins = [...builtinModules, ...builtinModules.map((name) => `node:${name}`)];
const noElectron = { name: 'electron', message: 'Only electron/main and electron/preload may import electron.' };
const noNode = nodeBuiltins.map((name) => ({
  name,
  message: 'This code runs in the page (or is shared with it): no Node built-ins.',
}));

export const boundaries = [
  {
    files: ['**/*.{ts,tsx}'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx', '.js', '.mjs', '.json'] })],
    },
    rules: { 'import-x/no-restricted-paths': ['error', { basePath: import.meta.dirname + '/..', zones }] },
  },
  {
    files: ['electron/core/**', 'electron/harness/**', 'server/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [noElectron] }] },
  },
  {
    // The steps' wire files are bundled into the page through electron/ipc.
    files: ['renderer/**', 'electron/ipc/**', 'protocol/**', 'electron/core/onboarding/**/wire.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [noElectron, ...noNode] }] },
  },
];
