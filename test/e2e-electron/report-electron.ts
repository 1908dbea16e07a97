import { electronBinary, skipReason } from './electron-binary';

/** Prints the one line that says why the Electron project will skip, once per run. */
export default function reportElectron(): void {
  if (electronBinary === null) console.log(skipReason);
}
