import { skipReason, target } from './electron-binary';

/** Prints the one line that says why the Electron project will skip, once per run. */
export default function reportElectron(): void {
  if (target === null) console.log(skipReason);
}
