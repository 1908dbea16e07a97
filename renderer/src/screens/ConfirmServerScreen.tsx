import type { KeywayClient } from '../../../electron/ipc/client';
import type { ConfirmServerView } from '../../../electron/ipc/view';
import { CommandButton } from '../components/Actions';
import { ErrorMessage } from '../components/ErrorMessage';
import { strings } from '../i18n';

export function ConfirmServerScreen({
  view,
  client,
}: {
  view: ConfirmServerView;
  client: KeywayClient;
}): React.JSX.Element {
  return (
    <section className="screen" aria-labelledby="confirm-title">
      <h1 id="confirm-title">{strings.confirmTitle}</h1>
      <p className="lead">{strings.confirmLead}</p>
      <p className="server-host" data-testid="server-host">
        {view.serverHost}
      </p>
      {!view.secure && <p className="warning">{strings.confirmInsecure}</p>}
      <ErrorMessage error={view.error} id="confirm-error" />
      <div className="actions">
        <CommandButton client={client} command="cancel">
          {strings.cancel}
        </CommandButton>
        <CommandButton client={client} command="confirmServer" primary autoFocus>
          {strings.continue}
        </CommandButton>
      </div>
    </section>
  );
}
