import { useTranslation } from 'react-i18next';
import type { KeywayClient } from '../../../electron/ipc/client';
import type { FailureView } from '../../../electron/ipc/view';
import { CommandButton } from '../components/Actions';
import { ErrorMessage } from '../components/ErrorMessage';

/** What core shows when it could not build a screen: the reason, and a way back to a working one. */
export function FailureScreen({ view, client }: { view: FailureView; client: KeywayClient }): React.JSX.Element {
  const { t } = useTranslation();
  return (
    <section className="screen" aria-labelledby="failure-title">
      <h1 id="failure-title">{t('failureTitle')}</h1>
      <ErrorMessage error={view.error} id="failure-error" />
      <div className="actions">
        <CommandButton client={client} command="retry" primary autoFocus>
          {t('startAgain')}
        </CommandButton>
      </div>
    </section>
  );
}
