import { ESLint } from 'eslint';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { boundaries } from '../../eslint/boundaries.mjs';

const root = path.resolve(import.meta.dirname, '..', '..');
// The same rule objects eslint.config.mjs uses, without type-aware rules, so virtual files can be linted.
const eslint = new ESLint({ cwd: root, overrideConfigFile: true, overrideConfig: boundaries });

async function ruleIds(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (result?.messages ?? []).map((m) => m.ruleId ?? `fatal: ${m.message}`);
}

describe('the import-boundary rule enforces the arrows of docs/architecture.md', () => {
  it.each([
    [
      'core importing electron',
      'electron/core/forbidden.ts',
      "import { app } from 'electron';",
      'no-restricted-imports',
    ],
    [
      'core importing main',
      'electron/core/forbidden.ts',
      "import { deepLinkFromArgv } from '../main/deep-links';",
      'import-x/no-restricted-paths',
    ],
    [
      'core importing the renderer',
      'electron/core/forbidden.ts',
      "import { App } from '../../renderer/src/App';",
      'import-x/no-restricted-paths',
    ],
    [
      'the renderer importing core',
      'renderer/src/forbidden.ts',
      "import { KeywayCore } from '../../electron/core/keyway-core';",
      'import-x/no-restricted-paths',
    ],
    [
      'the renderer importing a Node built-in',
      'renderer/src/forbidden.ts',
      "import { readFileSync } from 'node:fs';",
      'no-restricted-imports',
    ],
    [
      'the renderer importing fs without node:',
      'renderer/src/forbidden.ts',
      "import fs from 'fs';",
      'no-restricted-imports',
    ],
    [
      'ipc importing core',
      'electron/ipc/forbidden.ts',
      "import { KeywayCore } from '../core/keyway-core';",
      'import-x/no-restricted-paths',
    ],
    [
      'protocol importing ipc',
      'protocol/forbidden.ts',
      "import { commands } from '../electron/ipc/contract';",
      'import-x/no-restricted-paths',
    ],
    [
      'server importing core',
      'server/forbidden.ts',
      "import { KeywayCore } from '../electron/core/keyway-core';",
      'import-x/no-restricted-paths',
    ],
  ])('fails lint: %s', async (_name, file, code, rule) => {
    expect(await ruleIds(file, code)).toContain(rule);
  });

  it.each([
    [
      'core importing ipc and protocol',
      'electron/core/allowed.ts',
      "import { View } from '../ipc/view';\nimport { KeywayError } from '../../protocol/errors';",
    ],
    [
      'main importing electron and core',
      'electron/main/allowed.ts',
      "import { app } from 'electron';\nimport { KeywayCore } from '../core/keyway-core';",
    ],
    [
      'the renderer importing ipc',
      'renderer/src/allowed.ts',
      "import { createClient } from '../../electron/ipc/client';",
    ],
  ])('passes lint: %s', async (_name, file, code) => {
    expect(await ruleIds(file, code)).toEqual([]);
  });
});
