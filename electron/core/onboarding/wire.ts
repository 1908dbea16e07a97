import { browserSignInWire } from './browser-sign-in/wire';
import { deploymentWire } from './deployment/wire';
import { discoveryWire } from './discovery/wire';
import { homeWire } from './home/wire';
import { importWire } from './import/wire';
import { licenseWire } from './license/wire';
import { mfaWire } from './mfa/wire';
import { otpWire } from './otp/wire';
import { passkeyWire } from './passkey/wire';
import { passwordResetWire } from './password-reset/wire';
import { passwordWire } from './password/wire';
import { recoveryCodesWire } from './recovery-codes/wire';
import { securityWire } from './security/wire';
import { startWire } from './start/wire';

/**
 * What every step folder puts on the wire, one line per folder: the views its screens publish and the
 * commands they send, each declared in the folder's `wire.ts`. electron/ipc composes the contract from
 * this table (view.ts `View`, contract.ts `commands`); it is the one file of core that ipc imports, and
 * the wire files import only zod, protocol/ and electron/ipc/screen-kit.ts (eslint/boundaries.mjs), so
 * the renderer's bundle gets schemas and nothing else of core.
 *
 * Why the declarations live in the step folder rather than in electron/ipc: a new screen is then one
 * folder (its step, its view schema, its commands) plus its React screen; the price is this narrow,
 * lint-enforced exception to "ipc never imports core" and ipc's tsconfig including these files.
 */
export const STEP_WIRES = {
  start: startWire,
  deployment: deploymentWire,
  discovery: discoveryWire,
  import: importWire,
  license: licenseWire,
  password: passwordWire,
  passwordReset: passwordResetWire,
  mfa: mfaWire,
  browserSignIn: browserSignInWire,
  home: homeWire,
  security: securityWire,
  otp: otpWire,
  passkey: passkeyWire,
  recoveryCodes: recoveryCodesWire,
} as const;
