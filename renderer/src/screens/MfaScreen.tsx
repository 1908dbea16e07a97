import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { KeywayClient } from '../../../electron/ipc/client';
import type { ViewOf } from '../../../electron/ipc/view';
import { CommandButton } from '../components/Actions';
import { ErrorMessage } from '../components/ErrorMessage';
import { OtpInput } from '../components/OtpInput';
import { useEscape } from '../components/useEscape';
import { formatSeconds, useNow } from '../components/useNow';

type MfaView = ViewOf<'mfa'>;

type Channel = MfaView['channels'][number]['channel'];

export function MfaScreen({ view, client }: { view: MfaView; client: KeywayClient }): React.JSX.Element {
  const { t } = useTranslation();
  const [remember, setRemember] = useState(false);
  const [recoveryCode, setRecoveryCode] = useState('');
  const now = useNow();
  const choose = (channel: Channel): void => void client.invoke('chooseMfaChannel', { channel }).catch(() => undefined);
  const submit = (code: string): void => void client.invoke('submitMfaCode', { code, remember }).catch(() => undefined);
  useEscape(() => void client.invoke('goBack', {}).catch(() => undefined));

  return (
    <section className="screen" aria-labelledby="mfa-title">
      <h1 id="mfa-title">{t('mfa.title')}</h1>
      <p className="lead">{t('mfa.lead', { loginId: view.loginId, host: view.serverHost })}</p>

      {view.recovery && (
        <form
          className="recovery"
          onSubmit={(event) => {
            event.preventDefault();
            void client.invoke('submitRecoveryCode', { code: recoveryCode, remember }).catch(() => undefined);
          }}
        >
          <label htmlFor="recovery-code">{t('recovery.fieldLabel')}</label>
          <input
            id="recovery-code"
            autoFocus
            autoComplete="off"
            spellCheck={false}
            maxLength={40}
            value={recoveryCode}
            aria-describedby={view.error ? 'recovery-hint mfa-error' : 'recovery-hint'}
            onChange={(event) => setRecoveryCode(event.target.value)}
          />
          <p id="recovery-hint" className="hint">
            {t('recovery.fieldHint')}
          </p>
          <label className="checkbox">
            <input type="checkbox" checked={remember} onChange={(event) => setRemember(event.target.checked)} />
            {t('mfa.remember', { days: view.trustDays })}
          </label>
          <button type="submit" className="primary" disabled={view.busy}>
            {t('recovery.submit')}
          </button>
        </form>
      )}

      {!view.recovery && view.channels.length > 1 && (
        <fieldset className="channels">
          <legend>{t('mfa.chooseLegend')}</legend>
          {view.channels.map((option, index) => (
            <button
              key={option.channel}
              type="button"
              className={view.channel === option.channel ? 'primary' : 'secondary'}
              aria-pressed={view.channel === option.channel}
              // Nothing to type yet: the first way to confirm takes the focus.
              autoFocus={view.channel === null && index === 0}
              onClick={() => choose(option.channel)}
            >
              {t(`mfa.channel.${option.channel}`)}
              {option.hint ? ` (${option.hint})` : ''}
            </button>
          ))}
        </fieldset>
      )}

      {!view.recovery && view.channel === 'sms' && (
        <p className="warning" role="note">
          {t('mfa.smsRisk')}
        </p>
      )}

      {!view.recovery && view.channel === 'passkey' && (
        <div className="passkey">
          <p id="passkey-lead">{t('passkey.lead')}</p>
          <label className="checkbox">
            <input type="checkbox" checked={remember} onChange={(event) => setRemember(event.target.checked)} />
            {t('mfa.remember', { days: view.trustDays })}
          </label>
          <button
            type="button"
            className="primary"
            aria-describedby="passkey-lead"
            disabled={view.busy}
            // The only channel: nothing else to choose, so the passkey button takes the focus.
            autoFocus={view.channels.length === 1}
            onClick={() => void client.invoke('usePasskey', { remember }).catch(() => undefined)}
          >
            {t('passkey.use')}
          </button>
        </div>
      )}

      {!view.recovery && view.enrollment && (
        <div className="enrollment">
          <p>{t('mfa.enrollLead')}</p>
          <img className="qr" src={view.enrollment.qrDataUrl} alt={t('mfa.qrAlt')} width={200} height={200} />
          <p>{t('mfa.secretLead')}</p>
          <p className="secret" data-testid="totp-secret">
            {view.enrollment.secret.match(/.{1,4}/g)?.join(' ')}
          </p>
          <button
            type="button"
            className="secondary"
            onClick={() => void navigator.clipboard.writeText(view.enrollment?.secret ?? '')}
          >
            {t('mfa.copySecret')}
          </button>
        </div>
      )}

      {!view.recovery && view.sent && (
        <p data-testid="mfa-sent">
          {/* Only the news is live: a countdown inside a live region would be read out every second. */}
          <span role="status">{t('mfa.sent', { hint: view.sent.hint })}</span>{' '}
          {now < view.sent.expiresAt
            ? t('mfa.expiresIn', { time: formatSeconds(view.sent.expiresAt - now) })
            : t('mfa.expired')}
        </p>
      )}

      {view.asksForCode && (
        <>
          <p id="mfa-prompt" className="prompt">
            {view.channel === 'totp' ? t('mfa.totpPrompt') : t('mfa.codePrompt')}
          </p>
          <OtpInput
            onComplete={submit}
            disabled={view.busy}
            describedBy={view.error ? 'mfa-prompt mfa-error' : 'mfa-prompt'}
          />
          <label className="checkbox">
            <input type="checkbox" checked={remember} onChange={(event) => setRemember(event.target.checked)} />
            {t('mfa.remember', { days: view.trustDays })}
          </label>
        </>
      )}

      <ErrorMessage error={view.error} id="mfa-error" />

      {view.recoveryCodeOffered && !view.recovery && (
        <p>
          <button
            type="button"
            className="link"
            disabled={view.busy}
            onClick={() => void client.invoke('useRecoveryCode', {}).catch(() => undefined)}
          >
            {t('recovery.use')}
          </button>
        </p>
      )}

      <div className="actions">
        <CommandButton client={client} command="goBack">
          {t('back')}
        </CommandButton>
        {view.sent && (
          <button
            type="button"
            className="secondary"
            disabled={view.busy || now < view.sent.resendAt}
            onClick={() => void client.invoke('resendMfaCode', {}).catch(() => undefined)}
          >
            {now < view.sent.resendAt
              ? t('mfa.resendIn', { time: formatSeconds(view.sent.resendAt - now) })
              : t('mfa.resend')}
          </button>
        )}
      </div>
    </section>
  );
}
