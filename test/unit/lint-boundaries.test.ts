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
      'ipc importing a step (only the wire table is the exception)',
      'electron/ipc/forbidden.ts',
      "import { welcomeStep } from '../core/onboarding/deployment/step';",
      'import-x/no-restricted-paths',
    ],
    [
      'ipc importing the machine',
      'electron/ipc/forbidden.ts',
      "import { transition } from '../core/onboarding/machine';",
      'import-x/no-restricted-paths',
    ],
    [
      "a step's wire file importing its step",
      'electron/core/onboarding/deployment/wire.ts',
      "import { welcome } from './step';",
      'import-x/no-restricted-paths',
    ],
    [
      "a step's wire file importing core's policy",
      'electron/core/onboarding/discovery/wire.ts',
      "import { assertServerAllowed } from '../../policy';",
      'import-x/no-restricted-paths',
    ],
    [
      "a step's wire file importing ipc's composed view (an import cycle)",
      'electron/core/onboarding/home/wire.ts',
      "import { View } from '../../../ipc/view';",
      'import-x/no-restricted-paths',
    ],
    [
      "the wire table importing ipc's contract (an import cycle)",
      'electron/core/onboarding/wire.ts',
      "import { commands } from '../../ipc/contract';",
      'import-x/no-restricted-paths',
    ],
    [
      "a step's wire file importing a Node built-in (it runs in the page)",
      'electron/core/onboarding/otp/wire.ts',
      "import { randomInt } from 'node:crypto';",
      'no-restricted-imports',
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
      "ipc importing the table of the steps' wire files",
      'electron/ipc/allowed.ts',
      "import { STEP_WIRES } from '../core/onboarding/wire';",
    ],
    [
      "a step's wire file importing zod, protocol, the screen kit",
      'electron/core/onboarding/mfa/wire.ts',
      "import { z } from 'zod';\nimport { MfaChannel } from '../../../../protocol/mfa';\nimport { Text } from '../../../ipc/screen-kit';",
    ],
    [
      "the wire table importing a step's wire file",
      'electron/core/onboarding/wire.ts',
      "import { mfaWire } from './mfa/wire';",
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
