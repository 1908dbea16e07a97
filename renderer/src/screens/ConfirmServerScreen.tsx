import { useTranslation } from 'react-i18next';
import type { KeywayClient } from '../../../electron/ipc/client';
import type { ViewOf } from '../../../electron/ipc/view';
import { CommandButton } from '../components/Actions';
import { ErrorMessage } from '../components/ErrorMessage';
import { useEscape } from '../components/useEscape';

type ConfirmServerView = ViewOf<'confirmServer'>;

export function ConfirmServerScreen({
  view,
  client,
}: {
  view: ConfirmServerView;
  client: KeywayClient;
}): React.JSX.Element {
  const { t } = useTranslation();
  useEscape(() => void client.invoke('cancel', {}).catch(() => undefined));
  return (
    <section className="screen" aria-labelledby="confirm-title">
      <h1 id="confirm-title">{t('confirmTitle')}</h1>
      <p className="lead">{t('confirmLead')}</p>
      <p className="server-host" data-testid="server-host">
        {view.serverHost}
      </p>
      {!view.secure && <p className="warning">{t('confirmInsecure')}</p>}
      <ErrorMessage error={view.error} id="confirm-error" />
      <div className="actions">
        <CommandButton client={client} command="cancel">
          {t('cancel')}
        </CommandButton>
        <CommandButton client={client} command="confirmServer" primary autoFocus>
          {t('continue')}
        </CommandButton>
      </div>
    </section>
  );
}
