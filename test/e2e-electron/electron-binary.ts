import path from 'node:path';
// The same lookup `npm start` uses, so tests and start agree on whether Electron is installed.
import { findElectronBinary } from '../../scripts/lib/electron-binary.mjs';

export const root = path.resolve(import.meta.dirname, '..', '..');
export const electronBinary: string | null = findElectronBinary(root);
export const skipReason =
  'Electron e2e skipped: no Electron binary is installed (its download is blocked here); the harness e2e covers the same journeys.';
