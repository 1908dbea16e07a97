import type { KeywayClient } from '../../../electron/ipc/client';
import type { LicenseView } from '../../../electron/ipc/view';
import { CommandButton } from '../components/Actions';
import { format, strings } from '../i18n';

export function LicenseScreen({ view, client }: { view: LicenseView; client: KeywayClient }): React.JSX.Element {
  const values = { server: view.serverName, version: view.version };
  return (
    <section className="screen" aria-labelledby="license-title">
      <h1 id="license-title">{strings.licenseTitle}</h1>
      <p className="lead">{format(view.isUpdate ? strings.licenseUpdated : strings.licenseLead, values)}</p>
      {/* Focusable so keyboard users can scroll it with the arrow keys. */}
      <div className="license-text" role="region" aria-label={strings.licenseTextLabel} tabIndex={0}>
        {paragraphs(view.text).map((paragraph, index) => (
          <p key={index}>{paragraph}</p>
        ))}
      </div>
      <div className="actions">
        <CommandButton client={client} command="declineLicense">
          {strings.decline}
        </CommandButton>
        <CommandButton client={client} command="acceptLicense" primary autoFocus>
          {strings.accept}
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
