import { useTranslation } from 'react-i18next';
import type { KeywayClient } from '../../../electron/ipc/client';
import type { ViewOf } from '../../../electron/ipc/view';
import { CommandButton } from '../components/Actions';

type LicenseView = ViewOf<'license'>;

export function LicenseScreen({ view, client }: { view: LicenseView; client: KeywayClient }): React.JSX.Element {
  const { t } = useTranslation();
  const values = { server: view.serverName, version: view.version };
  return (
    <section className="screen" aria-labelledby="license-title">
      <h1 id="license-title">{t('licenseTitle')}</h1>
      <p className="lead">{view.isUpdate ? t('licenseUpdated', values) : t('licenseLead', values)}</p>
      {/* Focusable so keyboard users can scroll it with the arrow keys. The text is the server's own. */}
      <div className="license-text" role="region" aria-label={t('licenseTextLabel')} tabIndex={0}>
        {paragraphs(view.text).map((paragraph, index) => (
          <p key={index}>{paragraph}</p>
        ))}
      </div>
      <div className="actions">
        <CommandButton client={client} command="declineLicense">
          {t('decline')}
        </CommandButton>
        <CommandButton client={client} command="acceptLicense" primary autoFocus>
          {t('accept')}
        </CommandButton>
      </div>
    </section>
  );
}

/** Plain-text license: blank lines separate paragraphs; single line breaks are just wrapping. */
function paragraphs(text: string): string[] {
  return text
    .split(/\n\s*\n/)
    .map((p) => p.replace(/\s*\n\s*/g, ' ').trim())
    .filter((p) => p !== '');
}
