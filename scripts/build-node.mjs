// Bundles the Node-side entry points with esbuild. esbuild rather than electron-vite: the renderer
// already has Vite, and main/preload/harness are three plain entry points that esbuild bundles in
// milliseconds with one small config we can read in full.
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  // Native modules and Electron itself are resolved at run time, never bundled.
  external: ['electron', 'keytar', 'better-sqlite3', '@node-rs/argon2'],
};

await Promise.all([
  build({ ...common, entryPoints: ['electron/main/main.ts'], outfile: 'dist/electron/main.cjs', format: 'cjs' }),
  // The sandboxed preload can only require('electron'); everything else is bundled in.
  build({
    ...common,
    entryPoints: ['electron/preload/preload.ts'],
    outfile: 'dist/electron/preload.cjs',
    format: 'cjs',
  }),
  build({
    ...common,
    entryPoints: ['electron/harness/harness.ts'],
    outfile: 'dist/harness/harness.mjs',
    format: 'esm',
    // Bundled whole, like main.cjs (only native add-ons and electron stay outside): one file starts ~100 ms
    // sooner than dozens of packages loaded through Node's ESM loader (docs/benchmarks.md).
    // Some bundled CommonJS dependencies call require(); give ESM output a real one.
    banner: {
      js: "import { createRequire as __kwCreateRequire } from 'node:module'; const require = __kwCreateRequire(import.meta.url);",
    },
  }),
  build({
    ...common,
    entryPoints: ['server/cli.ts'],
    outfile: 'dist/server/cli.mjs',
    format: 'esm',
    // The server runs from the repository, beside node_modules: leave packages there.
    packages: 'external',
    banner: {
      js: "import { createRequire as __kwCreateRequire } from 'node:module'; const require = __kwCreateRequire(import.meta.url);",
    },
  }),
  // The passkey pages' one script (server/mfa/passkeys-script.ts), beside cli.mjs: a browser IIFE with
  // @simplewebauthn/browser bundled in, served as /assets/passkey.js under script-src 'self'.
  build({
    entryPoints: ['server/mfa/passkeys-browser/passkey-page.mjs'],
    outfile: 'dist/server/passkey.js',
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
  }),
]);
console.log('Built dist/electron (main, preload), dist/harness and dist/server.');
