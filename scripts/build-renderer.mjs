// `npm run build:renderer`: the renderer's production build, whoever runs it. Vite bundles React's
// development build whenever NODE_ENV is set to anything but `production` in its environment (it only
// defaults NODE_ENV when unset), and test runners set it: vitest exports NODE_ENV=test to every child, so
// the packaging unit test's `npm run build:renderer` used to leave a development renderer in dist/ (about
// 60 KB more gzipped, React's warnings and checks on) for the e2e layer, the packaged app and the benchmark.
process.env.NODE_ENV = 'production';
const { build } = await import('vite');
await build({ configFile: 'vite.config.ts', mode: 'production' });
