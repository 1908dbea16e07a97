import { useTranslation } from 'react-i18next';
import type { KeywayClient } from '../../../electron/ipc/client';
import type { ViewOf } from '../../../electron/ipc/view';
import { CommandButton } from '../components/Actions';
import { useEscape } from '../components/useEscape';

type PasskeyStepView = ViewOf<'passkeyStep'>;

/**
 * Waiting for the passkey step in the system browser: the same waiting screen as unified login
 * (BrowserSignInScreen), with Cancel and "Open the browser again". A failure is shown by the screen
 * the step came from (core sends the user back there), so this screen has no error of its own.
 */
export function PasskeyStepScreen({
  view,
  client,
}: {
  view: PasskeyStepView;
  client: KeywayClient;
}): React.JSX.Element {
  const { t } = useTranslation();
  useEscape(() => void client.invoke('cancel', {}).catch(() => undefined));
  const lead = view.purpose === 'signIn' ? 'passkey.signInLead' : 'passkey.addLead';
  return (
    <section className="screen" aria-labelledby="passkey-step-title">
      <h1 id="passkey-step-title">{t('passkey.title')}</h1>
      <p className="lead">{t(lead, { host: view.serverHost, loginId: view.loginId })}</p>
      <div className="progress-inline" aria-busy="true">
        <div className="spinner" aria-hidden="true" />
        <p role="status">{t('browserWaiting')}</p>
      </div>
      <div className="actions">
        <CommandButton client={client} command="cancel">
          {t('cancel')}
        </CommandButton>
        <CommandButton client={client} command="reopenBrowser" primary autoFocus>
          {t('browserReopen')}
        </CommandButton>
      </div>
    </section>
  );
}
