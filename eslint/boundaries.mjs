// The dependency arrows of docs/architecture.md, as lint rules. Arrows point inward:
//   renderer → ipc → protocol;  main, harness → core, ipc;  core → ipc, protocol;  preload → ipc;
//   server → protocol.  Nothing imports main, harness, preload or renderer.
// Path zones catch imports between our folders (whatever spelling reaches them); the package rules
// catch `electron` in core and Node built-ins in code that runs in the page.
import { builtinModules } from 'node:module';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';

const layer = (from, target, message) => ({ target, from, message });

const zones = [
  layer(
    ['./electron', './renderer', './server'],
    './protocol',
    'protocol/ is the wire contract and imports nothing of ours.',
  ),
  layer(
    ['./electron/core', './electron/main', './electron/preload', './electron/harness', './renderer', './server'],
    './electron/ipc',
    'electron/ipc may import only protocol/.',
  ),
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
    files: ['renderer/**', 'electron/ipc/**', 'protocol/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [noElectron, ...noNode] }] },
  },
];
