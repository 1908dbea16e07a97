import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { KeywayClient } from '../../../electron/ipc/client';
import type { ViewOf } from '../../../electron/ipc/view';
import { CommandButton } from '../components/Actions';

type RecoveryCodesView = ViewOf<'recoveryCodes'>;

/**
 * "Save your recovery codes", shown once. Copy uses the clipboard permission the app page already has
 * (main/guards.ts); Save and Print ask core, which has main do them in Electron (save dialog,
 * webContents.print) and otherwise hands the file back for this page to download or print.
 */
export function RecoveryCodesScreen({
  view,
  client,
}: {
  view: RecoveryCodesView;
  client: KeywayClient;
}): React.JSX.Element {
  const { t } = useTranslation();
  const [status, setStatus] = useState<'copied' | 'saved' | null>(null);
  const exportCodes = (action: 'save' | 'print'): void => {
    void client
      .invoke('exportRecoveryCodes', { action })
      .then((answer) => {
        if (answer.by === 'app') {
          if (answer.done && action === 'save') setStatus('saved');
          return;
        }
        if (action === 'print') {
          window.print();
          return;
        }
        const url = URL.createObjectURL(new Blob([answer.file.text], { type: 'text/plain;charset=utf-8' }));
        const link = document.createElement('a');
        link.href = url;
        link.download = answer.file.name;
        link.click();
        URL.revokeObjectURL(url);
        setStatus('saved');
      })
      .catch(() => undefined);
  };
  return (
    <section className="screen" aria-labelledby="recovery-title">
      <h1 id="recovery-title">{t('recovery.title')}</h1>
      <p className="lead">{t('recovery.lead', { loginId: view.loginId, host: view.serverHost })}</p>
      <ul className="recovery-codes" aria-label={t('recovery.listLabel')} data-testid="recovery-codes">
        {view.codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ul>
      <p role="status">{status === null ? '' : t(`recovery.${status}`)}</p>
      <div className="actions">
        <button
          type="button"
          className="secondary"
          onClick={() =>
            void navigator.clipboard.writeText(view.codes.join('\n')).then(
              () => setStatus('copied'),
              () => undefined,
            )
          }
        >
          {t('recovery.copy')}
        </button>
        <button type="button" className="secondary" onClick={() => exportCodes('save')}>
          {t('recovery.save')}
        </button>
        <button type="button" className="secondary" onClick={() => exportCodes('print')}>
          {t('recovery.print')}
        </button>
      </div>
      <div className="actions">
        <CommandButton client={client} command="continueFromRecoveryCodes" primary autoFocus>
          {t('recovery.continue')}
        </CommandButton>
      </div>
    </section>
  );
}
