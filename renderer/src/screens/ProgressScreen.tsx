import type { ProgressView } from '../../../electron/ipc/view';
import { format, strings } from '../i18n';

export function ProgressScreen({ view }: { view: ProgressView }): React.JSX.Element {
  return (
    <section className="screen progress" aria-busy="true">
      <div className="spinner" aria-hidden="true" />
      <p role="status" aria-live="polite">
        {format(strings.progress[view.step], { host: view.serverHost ?? '' })}
      </p>
    </section>
  );
}
