// Runs Electronegativity (Doyensec's static Electron security scanner) over the Electron code and the
// renderer page, reads its SARIF (it does not fail by exit code), and fails on any finding that is
// not explained in security/electronegativity-allowlist.json. The network-dependent check (which asks
// the internet for Electron releases) is excluded: CI has no network.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const work = mkdtempSync(path.join(os.tmpdir(), 'keyway-electronegativity-'));
const input = path.join(work, 'app');
// Scan exactly what ships: electron/ (main, preload, core, ipc, harness) and the page with its CSP.
cpSync(path.join(root, 'electron'), path.join(input, 'electron'), { recursive: true });
mkdirSync(path.join(input, 'renderer'), { recursive: true });
cpSync(path.join(root, 'renderer', 'index.html'), path.join(input, 'renderer', 'index.html'));
const sarif = path.join(work, 'result.sarif');
const electronVersion = JSON.parse(
  readFileSync(path.join(root, 'node_modules', 'electron', 'package.json'), 'utf8'),
).version;

const bin = path.join(
  root,
  'node_modules',
  '.bin',
  process.platform === 'win32' ? 'electronegativity.cmd' : 'electronegativity',
);
// Electronegativity also downloads translations on start; the preload refuses that (and any other
// connection off this computer) before a DNS query or a packet leaves.
const noNetwork = path.join(root, 'scripts', 'lib', 'no-network.cjs');
const run = spawnSync(
  bin,
  ['-i', input, '-o', sarif, '-r', '-v', 'false', '-e', electronVersion, '-x', 'AvailableSecurityFixesGlobalCheck'],
  {
    encoding: 'utf8',
    env: {
      ...process.env,
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${JSON.stringify(noNetwork)}`.trim(),
    },
  },
);
if (run.status !== 0) {
  console.error(`Electronegativity did not run (exit ${run.status}):\n${run.stderr}`);
  process.exit(1);
}

const results = JSON.parse(readFileSync(sarif, 'utf8')).runs.flatMap((r) => r.results ?? []);
const allowlist = JSON.parse(readFileSync(path.join(root, 'security', 'electronegativity-allowlist.json'), 'utf8'));
const fileOf = (result) => {
  const uri = result.locations?.[0]?.physicalLocation?.artifactLocation?.uri ?? '';
  return uri
    .replace(/^file:\/\//, '')
    .replace(input, '')
    .replace(/^\/+/, '');
};
const explained = (result) =>
  allowlist.some(
    (entry) => entry.rule === result.ruleId && (entry.file ?? '') === fileOf(result) && entry.reason?.length > 20,
  );

const unexplained = results.filter((result) => !explained(result));
const stale = allowlist.filter(
  (entry) => !results.some((result) => entry.rule === result.ruleId && (entry.file ?? '') === fileOf(result)),
);
for (const result of unexplained)
  console.log(`FINDING ${result.ruleId} ${fileOf(result) || '(global)'}: ${result.message?.text ?? ''}`);
for (const entry of stale)
  console.log(`STALE allow-list entry (no such finding any more): ${entry.rule} ${entry.file ?? ''}`);
console.log(
  `Electronegativity: ${results.length} finding(s), ${results.length - unexplained.length} explained in the allow-list, ${unexplained.length} not.`,
);
process.exit(unexplained.length > 0 || stale.length > 0 ? 1 : 0);
