import type { RecoveryCodeList } from '../../../../protocol/mfa';
import type { HomeInfo, OnboardingState, Screen, Step } from '../states';
import { go, hostOf, never, type StepDefinition } from '../step';

/**
 * "Save your recovery codes": shown once, right after the server generated a set (a first second factor
 * enrolled at sign-in or on Sign-in security, or "Get new codes"). The codes live only in this screen:
 * Continue moves to `next`, which holds no code, so they leave core's state; they are never written to
 * the settings file or the keychain (the server keeps only their hashes).
 */

export interface RecoveryCodesScreen {
  readonly kind: 'recoveryCodes';
  readonly home: HomeInfo;
  readonly codes: RecoveryCodeList;
  /** Where Continue goes (Home, the changed license, or Sign-in security): a screen without the codes. */
  readonly next: Screen;
}

/** Shows `codes` once, then `next` on Continue. */
export function showRecoveryCodes(state: OnboardingState, home: HomeInfo, codes: RecoveryCodeList, next: Screen): Step {
  return go(state, { kind: 'recoveryCodes', home, codes, next });
}

export const recoveryCodesStep: StepDefinition<RecoveryCodesScreen> = {
  on: (state, screen, event) => (event.type === 'recoveryCodes.continued' ? go(state, screen.next) : null),
  view: (screen) => ({
    screen: 'recoveryCodes',
    serverHost: hostOf(screen.home.origin),
    loginId: screen.home.loginId,
    codes: [...screen.codes],
  }),
  // A link must not push the only display of these codes away before the user saved them.
  acceptsLinks: never,
};
