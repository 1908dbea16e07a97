import { existsSync } from 'node:fs';
import path from 'node:path';
// The same lookup `npm start` uses, so tests and start agree on whether Electron is installed.
import { findElectronBinary } from '../../scripts/lib/electron-binary.mjs';
import { appUnderTest, type AppUnderTest } from './launch-plan';

export const root = path.resolve(import.meta.dirname, '..', '..');
const electronBinary: string | null = findElectronBinary(root);

/** What the Electron project drives: KEYWAY_E2E_APP (a packaged app) or the dev binary; null to skip. */
export const target: AppUnderTest | null = appUnderTest({
  packagedApp: process.env.KEYWAY_E2E_APP,
  electronBinary,
  exists: existsSync,
});

export const skipReason =
  process.env.KEYWAY_E2E_APP !== undefined && process.env.KEYWAY_E2E_APP !== ''
    ? `Electron e2e skipped: KEYWAY_E2E_APP=${process.env.KEYWAY_E2E_APP} does not exist.`
    : 'Electron e2e skipped: no Electron binary is installed (its download is blocked here); the harness e2e covers the same journeys.';
