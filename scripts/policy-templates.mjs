// Writes the policy templates (ADMX/ADML, configuration profile, example JSON, reference table, NSIS and
// MSI pieces) generated from electron/core/machine-policy/schema.ts, so they can never disagree with it.
//   node scripts/policy-templates.mjs          write them
//   node scripts/policy-templates.mjs --check  exit 1 when a committed file differs (CI)
// The generator is TypeScript: esbuild bundles it in memory (zod included) and we import the result.
import { build } from 'esbuild';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as prettier from 'prettier';

const root = path.resolve(import.meta.dirname, '..');
const check = process.argv.includes('--check');

async function loadGenerator() {
  const result = await build({
    entryPoints: [path.join(root, 'electron/core/machine-policy/templates.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    logLevel: 'warning',
  });
  const code = result.outputFiles[0].text;
  return import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
}

/** JSON and Markdown go through Prettier (the repository checks them with it); XML and NSIS as they are. */
async function formatTemplate(file, content) {
  if (!/\.(json|md)$/.test(file)) return content;
  const options = (await prettier.resolveConfig(path.join(root, file))) ?? {};
  return prettier.format(content, { ...options, filepath: path.join(root, file) });
}

async function main() {
  const { generatePolicyTemplates } = await loadGenerator();
  const differing = [];
  for (const [file, raw] of Object.entries(generatePolicyTemplates())) {
    const content = await formatTemplate(file, raw);
    const target = path.join(root, file);
    const current = await readFile(target, 'utf8').catch(() => null);
    if (current === content) continue;
    differing.push(file);
    if (!check) {
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, content);
    }
  }
  if (check && differing.length > 0) {
    console.error(`Policy templates out of date (run npm run policy:templates): ${differing.join(', ')}`);
    process.exit(1);
  }
  console.log(differing.length === 0 ? 'Policy templates are up to date.' : `Wrote ${differing.join(', ')}.`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
