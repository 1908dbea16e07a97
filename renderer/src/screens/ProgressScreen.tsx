import { useTranslation } from 'react-i18next';
import type { ProgressView } from '../../../electron/ipc/view';

export function ProgressScreen({ view }: { view: ProgressView }): React.JSX.Element {
  const { t } = useTranslation();
  return (
    <section className="screen progress" aria-busy="true">
      <div className="spinner" aria-hidden="true" />
      <p role="status" aria-live="polite">
        {t(`progress.${view.step}`, { host: view.serverHost ?? '' })}
      </p>
    </section>
  );
}
