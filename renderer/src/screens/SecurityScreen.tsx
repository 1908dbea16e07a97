import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { KeywayClient } from '../../../electron/ipc/client';
import { MAX_PASSWORD_LENGTH, type ViewOf } from '../../../electron/ipc/view';
import { CommandButton } from '../components/Actions';
import { ErrorMessage } from '../components/ErrorMessage';
import { OtpInput } from '../components/OtpInput';
import { useEscape } from '../components/useEscape';
import { formatDate } from '../i18n';
import { SecurityPasskeys } from './SecurityPasskeys';
import { SecurityRecoveryCodes } from './SecurityRecoveryCodes';

type SecurityView = ViewOf<'security'>;

/** Authenticators (add, remove with the password) and remembered devices (forget). */
export function SecurityScreen({ view, client }: { view: SecurityView; client: KeywayClient }): React.JSX.Element {
  const { t, i18n } = useTranslation();
  // Which action waits for the password, if any; the password stays here until it is sent once.
  const [asking, setAsking] = useState<{ kind: 'add' } | { kind: 'remove'; id: string } | null>(null);
  const [password, setPassword] = useState('');
  const send = (): void => {
    if (asking?.kind === 'add') void client.invoke('addAuthenticator', { password }).catch(() => undefined);
    if (asking?.kind === 'remove')
      void client.invoke('removeAuthenticator', { id: asking.id, password }).catch(() => undefined);
    setPassword('');
    setAsking(null);
  };
  const date = (ms: number): string => formatDate(ms, i18n.language);
  // Escape closes the password question first, then leaves the page.
  useEscape(() => {
    if (asking) setAsking(null);
    else void client.invoke('goBack', {}).catch(() => undefined);
  });

  return (
    <section className="screen" aria-labelledby="security-title" aria-busy={view.busy}>
      <h1 id="security-title">{t('security.title')}</h1>
      <p className="lead">{view.serverHost}</p>
      <ErrorMessage error={view.error} id="security-error" />

      <h2>{t('security.authenticators')}</h2>
      {view.loaded && view.authenticators.length === 0 && <p>{t('security.noAuthenticators')}</p>}
      <ul className="items">
        {view.authenticators.map((a) => (
          <li key={a.id}>
            <span>
              {a.name} · {t('security.added', { date: date(a.createdAt) })}
            </span>
            <button
              type="button"
              className="secondary"
              disabled={view.busy}
              onClick={() => setAsking({ kind: 'remove', id: a.id })}
            >
              {t('security.remove')}
            </button>
          </li>
        ))}
      </ul>
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
          onClick={() => setAsking({ kind: 'add' })}
        >
          {t('security.add')}
        </button>
      )}

      {asking && (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            send();
          }}
        >
          <label htmlFor="reauth-password">{t('security.reauth')}</label>
          <input
            id="reauth-password"
            type="password"
            autoComplete="current-password"
            autoFocus
            maxLength={MAX_PASSWORD_LENGTH}
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
          <div className="actions">
            <button type="button" className="secondary" onClick={() => setAsking(null)}>
              {t('cancel')}
            </button>
            <button type="submit" className="primary" disabled={password === ''}>
              {t('continue')}
            </button>
          </div>
        </form>
      )}

      <SecurityPasskeys view={view} client={client} />

      <SecurityRecoveryCodes view={view} client={client} />

      <h2>{t('security.devices')}</h2>
      {view.loaded && view.devices.length === 0 && <p>{t('security.noDevices')}</p>}
      <ul className="items">
        {view.devices.map((d) => (
          <li key={d.deviceId}>
            <span>
              {d.name}
              {d.thisDevice ? ` (${t('security.thisDevice')})` : ''} ·{' '}
              {t('security.trustedUntil', { date: date(d.trustedUntil) })}
            </span>
            <button
              type="button"
              className="secondary"
              disabled={view.busy}
              onClick={() => void client.invoke('removeTrustedDevice', { deviceId: d.deviceId }).catch(() => undefined)}
            >
              {t('security.forgetDevice')}
            </button>
          </li>
        ))}
      </ul>

      <div className="actions">
        <CommandButton client={client} command="goBack">
          {t('back')}
        </CommandButton>
      </div>
    </section>
  );
}
