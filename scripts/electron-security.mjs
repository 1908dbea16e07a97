// Static Electron security check: webPreferences of every window, navigation and window-open guards, the
// one guarded shell.openExternal, IPC sender checks, insecure switches, the preload's exposure, and the
// renderer's CSP. It checks that the guards are present; what they decide is proven by behaviour tests
// (test/unit/main-guards.test.ts, main-wiring.test.ts, main-startup.test.ts). Prints one line per finding
// (file:line [rule] message) and exits 1 when there is any.
//   node scripts/electron-security.mjs
// The rules live in test/unit/installer/electron-hardening-check.ts (the unit test runs the same code);
// esbuild bundles that file in memory and we hand it the TypeScript compiler. Explained exceptions:
// security/allowlist.json. (@doyensec/electronegativity would need installing; this needs nothing new.)
import { build } from 'esbuild';
import path from 'node:path';
import ts from 'typescript';

const root = path.resolve(import.meta.dirname, '..');
const bundle = await build({
  entryPoints: [path.join(root, 'test/unit/installer/electron-hardening-check.ts')],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  write: false,
  logLevel: 'warning',
});
const { checkElectronHardening, formatFinding, readAllowlist, readSources } = await import(
  `data:text/javascript;base64,${Buffer.from(bundle.outputFiles[0].text).toString('base64')}`
);

const sources = readSources(root);
const findings = checkElectronHardening(ts, sources, readAllowlist(root));
for (const finding of findings) console.log(formatFinding(finding));
const checked = `${sources.main.length + sources.preload.length} TypeScript files and ${sources.html.file}`;
if (findings.length > 0) {
  console.error(`Electron security: ${findings.length} finding(s) in ${checked}.`);
  process.exit(1);
}
console.log(`Electron security: no findings in ${checked}.`);
