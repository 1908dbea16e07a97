import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { KeywayClient } from '../../../electron/ipc/client';
import type { ViewOf } from '../../../electron/ipc/view';
import { CommandButton } from '../components/Actions';
import { ErrorMessage } from '../components/ErrorMessage';
import { ItemList } from '../components/ItemList';
import { OtpInput } from '../components/OtpInput';
import { PasswordQuestion } from '../components/PasswordQuestion';
import { useEscape } from '../components/useEscape';
import { formatDate } from '../i18n';
import { sendWithPassword, type PasswordAction } from './passwordActions';
import { SecurityPasskeys } from './SecurityPasskeys';
import { SecurityRecoveryCodes } from './SecurityRecoveryCodes';

type SecurityView = ViewOf<'security'>;

/** Authenticators (add, remove with the password), passkeys, recovery codes and remembered devices (forget). */
export function SecurityScreen({ view, client }: { view: SecurityView; client: KeywayClient }): React.JSX.Element {
  const { t, i18n } = useTranslation();
  // Which action waits for the password, if any: one question at a time, shown in its own section.
  const [asking, setAsking] = useState<PasswordAction | null>(null);
  const date = (ms: number): string => formatDate(ms, i18n.language);
  // While the password question is open its own Escape closes it (PasswordQuestion); then Escape leaves.
  useEscape(asking ? null : () => void client.invoke('goBack', {}).catch(() => undefined));
  /** The password question, when the action waiting for it is one of `commands` (the section's own). */
  const question = (...commands: PasswordAction['command'][]): React.JSX.Element | null =>
    asking !== null && commands.includes(asking.command) ? (
      <PasswordQuestion
        id="security-password"
        submitLabel={asking.command === 'regenerateRecoveryCodes' ? t('recovery.regenerate') : t('continue')}
        error={view.error}
        onSubmit={(password) => {
          sendWithPassword(client, asking, password);
          setAsking(null);
        }}
        onCancel={() => setAsking(null)}
      />
    ) : null;

  return (
    <section className="screen" aria-labelledby="security-title" aria-busy={view.busy}>
      <h1 id="security-title">{t('security.title')}</h1>
      <p className="lead">{view.serverHost}</p>
      {/* The page's error; while the password question is open it is shown there, under the field. */}
      <ErrorMessage error={asking ? null : view.error} id="security-error" />

      <h2>{t('security.authenticators')}</h2>
      {view.loaded && view.authenticators.length === 0 && <p>{t('security.noAuthenticators')}</p>}
      <ItemList
        items={view.authenticators.map((a) => ({
          id: a.id,
          name: a.name,
          text: `${a.name} · ${t('security.added', { date: date(a.createdAt) })}`,
        }))}
        action={t('security.remove')}
        disabled={view.busy}
        onAction={(id) => setAsking({ command: 'removeAuthenticator', id })}
      />
      {view.enrolling ? (
        <div className="enrollment">
          <p>{t('mfa.enrollLead')}</p>
          <img className="qr" src={view.enrolling.qrDataUrl} alt={t('mfa.qrAlt')} width={200} height={200} />
          <p className="secret" data-testid="security-secret">
            {view.enrolling.secret.match(/.{1,4}/g)?.join(' ')}
          </p>
          <p className="prompt" id="security-code-prompt">
            {t('mfa.totpPrompt')}
          </p>
          <OtpInput
            disabled={view.busy}
            describedBy="security-code-prompt"
            onComplete={(code) => void client.invoke('confirmAuthenticator', { code }).catch(() => undefined)}
          />
        </div>
      ) : (
        <button
          type="button"
          className="secondary"
          disabled={view.busy || !view.loaded}
          onClick={() => setAsking({ command: 'addAuthenticator' })}
        >
          {t('security.add')}
        </button>
      )}
      {question('addAuthenticator', 'removeAuthenticator')}

      <SecurityPasskeys view={view} onAsk={setAsking} question={question('addPasskey', 'removePasskey')} />

      <SecurityRecoveryCodes view={view} onAsk={setAsking} question={question('regenerateRecoveryCodes')} />

      <h2>{t('security.devices')}</h2>
      {view.loaded && view.devices.length === 0 && <p>{t('security.noDevices')}</p>}
      <ItemList
        items={view.devices.map((d) => ({
          id: d.deviceId,
          name: d.name,
          text: `${d.name}${d.thisDevice ? ` (${t('security.thisDevice')})` : ''} · ${t('security.trustedUntil', { date: date(d.trustedUntil) })}`,
        }))}
        action={t('security.forgetDevice')}
        disabled={view.busy}
        onAction={(deviceId) => void client.invoke('removeTrustedDevice', { deviceId }).catch(() => undefined)}
      />

      <div className="actions">
        <CommandButton client={client} command="goBack">
          {t('back')}
        </CommandButton>
      </div>
    </section>
  );
}
