import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

/**
 * A build of Keyway's renderer is its production build (scripts/build-renderer.mjs sets NODE_ENV). Vite keeps
 * an inherited NODE_ENV (vitest exports `test` to its children) and then bundles React's development build:
 * refuse, rather than ship, test or measure a bundle ~60 KB heavier that nobody asked for. A plugin hook,
 * not a check in the config itself: tools that only read this config (knip) must not trip over it.
 */
const productionOnly: Plugin = {
  name: 'keyway:production-build-only',
  apply: 'build',
  configResolved(config) {
    if (!config.isProduction) {
      throw new Error(
        `The renderer build needs NODE_ENV=production (it is ${process.env.NODE_ENV ?? 'unset'}): run npm run build:renderer.`,
      );
    }
  },
};

// Relative base so the same build loads from file:// in Electron and from the harness over http.
export default defineConfig({
  root: fileURLToPath(new URL('renderer', import.meta.url)),
  base: './',
  plugins: [react(), productionOnly],
  build: {
    outDir: fileURLToPath(new URL('dist/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
  },
});
