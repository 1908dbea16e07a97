import { useEffect, useState } from 'react';
import type { KeywayClient } from '../../electron/ipc/client';
import type { View } from '../../electron/ipc/view';
import { strings } from './i18n';
import { BrowserSignInScreen } from './screens/BrowserSignInScreen';
import { ConfirmServerScreen } from './screens/ConfirmServerScreen';
import { HomeScreen } from './screens/HomeScreen';
import { ImportScreen } from './screens/ImportScreen';
import { LicenseScreen } from './screens/LicenseScreen';
import { LoginIdScreen } from './screens/LoginIdScreen';
import { ManualLoginScreen } from './screens/ManualLoginScreen';
import { MfaScreen } from './screens/MfaScreen';
import { PasswordScreen } from './screens/PasswordScreen';
import { ProgressScreen } from './screens/ProgressScreen';
import { ResumeFailedScreen } from './screens/ResumeFailedScreen';
import { SecurityScreen } from './screens/SecurityScreen';
import { WelcomeScreen } from './screens/WelcomeScreen';

/** Renders whatever view core publishes. No flow logic lives here: every decision is core's. */
export function App({ client, connected }: { client: KeywayClient; connected: boolean }): React.JSX.Element {
  const [view, setView] = useState<View | null>(null);

  useEffect(() => {
    let sawEvent = false;
    const off = client.on('view', (next) => {
      sawEvent = true;
      setView(next);
    });
    // An event that arrives before this answer is newer than it, so the answer must not overwrite it.
    void client.invoke('getView', {}).then((initial) => {
      if (!sawEvent) setView(initial);
    });
    // Harness only: core asks the page to open the identity provider in a new tab (the "system browser").
    const offExternal = client.on('openExternal', ({ url }) => {
      window.open(url, '_blank', 'noopener,noreferrer');
    });
    // Ctrl/Cmd+Shift+M opens Manual Login: the keyboard way to the logo's triple tap.
    const onKey = (event: KeyboardEvent): void => {
      if ((event.ctrlKey || event.metaKey) && event.shiftKey && event.key.toLowerCase() === 'm') {
        event.preventDefault();
        void client.invoke('openManualLogin', {}).catch(() => undefined);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => {
      off();
      offExternal();
      window.removeEventListener('keydown', onKey);
    };
  }, [client]);

  return (
    <main className="app">
      {!connected && (
        <p className="banner" role="status">
          {strings.disconnected}
        </p>
      )}
      {view === null ? <p role="status">{strings.loading}</p> : <ScreenFor view={view} client={client} />}
    </main>
  );
}

interface ScreenProps<S extends View['screen']> {
  view: Extract<View, { screen: S }>;
  client: KeywayClient;
}

/** One component per screen; the mapped type makes a screen without a component a compile error. */
const screens: { [S in View['screen']]: (props: ScreenProps<S>) => React.JSX.Element } = {
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
};

function ScreenFor({ view, client }: { view: View; client: KeywayClient }): React.JSX.Element {
  // TypeScript cannot correlate `view.screen` with the matching entry of the map, so widen once here.
  const Screen = screens[view.screen] as (props: { view: View; client: KeywayClient }) => React.JSX.Element;
  // Keyed by screen so each screen mounts fresh: local drafts (a typed password) never leak across screens.
  return <Screen key={view.screen} view={view} client={client} />;
}
