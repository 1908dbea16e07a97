import type { KeywayClient } from '../../../electron/ipc/client';
import type { ResumeFailedView } from '../../../electron/ipc/view';
import { CommandButton } from '../components/Actions';
import { ErrorMessage } from '../components/ErrorMessage';
import { strings } from '../i18n';

export function ResumeFailedScreen({
  view,
  client,
}: {
  view: ResumeFailedView;
  client: KeywayClient;
}): React.JSX.Element {
  return (
    <section className="screen" aria-labelledby="resume-title">
      <h1 id="resume-title">{strings.resumeFailedTitle}</h1>
      <p className="lead">
        {view.loginId} · {view.serverHost}
      </p>
      <ErrorMessage error={view.error} id="resume-error" />
      <div className="actions">
        <CommandButton client={client} command="goBack">
          {strings.usePassword}
        </CommandButton>
        <CommandButton client={client} command="retry" primary autoFocus>
          {strings.retry}
        </CommandButton>
      </div>
    </section>
  );
}
