import { useTranslation } from 'react-i18next';
import type { KeywayClient } from '../../../electron/ipc/client';
import type { ViewOf } from '../../../electron/ipc/view';
import { CommandButton } from '../components/Actions';
import { ErrorMessage } from '../components/ErrorMessage';

type ResumeFailedView = ViewOf<'resumeFailed'>;

export function ResumeFailedScreen({
  view,
  client,
}: {
  view: ResumeFailedView;
  client: KeywayClient;
}): React.JSX.Element {
  const { t } = useTranslation();
  return (
    <section className="screen" aria-labelledby="resume-title">
      <h1 id="resume-title">{t('resumeFailedTitle')}</h1>
      <p className="lead">
        {view.loginId} · {view.serverHost}
      </p>
      <ErrorMessage error={view.error} id="resume-error" />
      <div className="actions">
        <CommandButton client={client} command="goBack">
          {t('usePassword')}
        </CommandButton>
        <CommandButton client={client} command="retry" primary autoFocus>
          {t('retry')}
        </CommandButton>
      </div>
    </section>
  );
}
