import type { KeywayClient } from '../../../electron/ipc/client';
import type { View } from '../../../electron/ipc/view';
import { BrowserSignInScreen } from './BrowserSignInScreen';
import { ConfirmServerScreen } from './ConfirmServerScreen';
import { HomeScreen } from './HomeScreen';
import { ImportScreen } from './ImportScreen';
import { LicenseScreen } from './LicenseScreen';
import { LoginIdScreen } from './LoginIdScreen';
import { ManualLoginScreen } from './ManualLoginScreen';
import { MfaScreen } from './MfaScreen';
import { OneTimePasswordScreen } from './OneTimePasswordScreen';
import { PasskeyStepScreen } from './PasskeyStepScreen';
import { PasswordScreen } from './PasswordScreen';
import { ProgressScreen } from './ProgressScreen';
import { RecoveryCodesScreen } from './RecoveryCodesScreen';
import { ResumeFailedScreen } from './ResumeFailedScreen';
import { FailureScreen } from './FailureScreen';
import { SecurityScreen } from './SecurityScreen';
import { WelcomeScreen } from './WelcomeScreen';

interface ScreenProps<S extends View['screen']> {
  view: Extract<View, { screen: S }>;
  client: KeywayClient;
}

/**
 * The screens, one line each: which component renders which view (`View['screen']`, composed from the
 * steps' wire files). The mapped type makes a view without a component a compile error; App.tsx renders
 * whatever view core publishes through this table.
 */
export const screens: { [S in View['screen']]: (props: ScreenProps<S>) => React.JSX.Element } = {
  welcome: WelcomeScreen,
  progress: ProgressScreen,
  confirmServer: ConfirmServerScreen,
  import: ImportScreen,
  license: LicenseScreen,
  password: PasswordScreen,
  resumeFailed: ResumeFailedScreen,
  home: HomeScreen,
  manualLogin: ManualLoginScreen,
  loginId: LoginIdScreen,
  browserSignIn: BrowserSignInScreen,
  mfa: MfaScreen,
  security: SecurityScreen,
  oneTimePassword: OneTimePasswordScreen,
  failure: FailureScreen,
  passkeyStep: PasskeyStepScreen,
  recoveryCodes: RecoveryCodesScreen,
};
