import { useTranslation } from 'react-i18next';
import type { KeywayClient } from '../../../electron/ipc/client';
import type { ViewOf } from '../../../electron/ipc/view';

type ImportView = ViewOf<'import'>;

export function ImportScreen({ view, client }: { view: ImportView; client: KeywayClient }): React.JSX.Element {
  const { t } = useTranslation();
  return (
    <section className="screen" aria-labelledby="import-title">
      <h1 id="import-title">{t('importTitle')}</h1>
      <p className="lead">{t('importLead', { server: view.serverName })}</p>
      <div className="actions column">
        {view.candidates.map((candidate, index) => (
          <button
            key={candidate.origin}
            type="button"
            className="primary"
            autoFocus={index === 0}
            onClick={() => void client.invoke('chooseImport', { from: candidate.origin })}
          >
            {t('importFrom', { server: candidate.serverName, loginId: candidate.loginId })}
          </button>
        ))}
        <button type="button" className="secondary" onClick={() => void client.invoke('chooseImport', { from: null })}>
          {t('startFresh')}
        </button>
      </div>
    </section>
  );
}
