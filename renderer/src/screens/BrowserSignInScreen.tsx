import type { KeywayClient } from '../../../electron/ipc/client';
import type { BrowserSignInView } from '../../../electron/ipc/view';
import { CommandButton } from '../components/Actions';
import { ErrorMessage } from '../components/ErrorMessage';
import { format, strings } from '../i18n';

export function BrowserSignInScreen({
  view,
  client,
}: {
  view: BrowserSignInView;
  client: KeywayClient;
}): React.JSX.Element {
  return (
    <section className="screen" aria-labelledby="browser-title">
      <h1 id="browser-title">{strings.browserTitle}</h1>
      <p className="lead">{format(strings.browserLead, { idp: view.identityProviderHost, loginId: view.loginId })}</p>
      {view.device && (
        <div className="device-code">
          <p>{format(strings.deviceLead, { url: view.device.verificationUri })}</p>
          <p className="server-host" data-testid="device-user-code">
            {view.device.userCode}
          </p>
        </div>
      )}
      {view.error === null && (
        <div className="progress-inline" aria-busy="true">
          <div className="spinner" aria-hidden="true" />
          <p role="status">{strings.browserWaiting}</p>
        </div>
      )}
      <ErrorMessage error={view.error} id="browser-error" />
      <div className="actions">
        <CommandButton client={client} command="cancel">
          {strings.cancel}
        </CommandButton>
        {view.error === null && view.device === null && (
          <CommandButton client={client} command="useDeviceCode">
            {strings.useDevice}
          </CommandButton>
        )}
        {view.error === null ? (
          view.device === null && (
            <CommandButton client={client} command="reopenBrowser" primary autoFocus>
              {strings.browserReopen}
            </CommandButton>
          )
        ) : (
          <CommandButton client={client} command="retry" primary autoFocus>
            {strings.retry}
          </CommandButton>
        )}
      </div>
    </section>
  );
}
