import { useTranslation } from 'react-i18next';
import type { KeywayClient } from '../../../electron/ipc/client';
import type { ViewOf } from '../../../electron/ipc/view';
import { CommandButton } from '../components/Actions';
import { ErrorMessage } from '../components/ErrorMessage';
import { useEscape } from '../components/useEscape';

type BrowserSignInView = ViewOf<'browserSignIn'>;

export function BrowserSignInScreen({
  view,
  client,
}: {
  view: BrowserSignInView;
  client: KeywayClient;
}): React.JSX.Element {
  const { t } = useTranslation();
  useEscape(() => void client.invoke('cancel', {}).catch(() => undefined));
  return (
    <section className="screen" aria-labelledby="browser-title">
      <h1 id="browser-title">{t('browserTitle')}</h1>
      <p className="lead">{t('browserLead', { idp: view.identityProviderHost, loginId: view.loginId })}</p>
      {view.device && (
        <div className="device-code">
          <p>{t('deviceLead', { url: view.device.verificationUri })}</p>
          <p className="server-host" data-testid="device-user-code">
            {view.device.userCode}
          </p>
        </div>
      )}
      {view.error === null && (
        <div className="progress-inline" aria-busy="true">
          <div className="spinner" aria-hidden="true" />
          <p role="status">{t('browserWaiting')}</p>
        </div>
      )}
      <ErrorMessage error={view.error} id="browser-error" />
      <div className="actions">
        <CommandButton client={client} command="cancel">
          {t('cancel')}
        </CommandButton>
        {view.error === null && view.device === null && (
          <CommandButton client={client} command="useDeviceCode">
            {t('useDevice')}
          </CommandButton>
        )}
        {view.error === null ? (
          view.device === null && (
            <CommandButton client={client} command="reopenBrowser" primary autoFocus>
              {t('browserReopen')}
            </CommandButton>
          )
        ) : (
          <CommandButton client={client} command="retry" primary autoFocus>
            {t('retry')}
          </CommandButton>
        )}
      </div>
    </section>
  );
}
