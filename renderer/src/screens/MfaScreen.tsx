import { useState } from 'react';
import type { KeywayClient } from '../../../electron/ipc/client';
import type { MfaView } from '../../../electron/ipc/view';
import { CommandButton } from '../components/Actions';
import { ErrorMessage } from '../components/ErrorMessage';
import { OtpInput } from '../components/OtpInput';
import { formatSeconds, useNow } from '../components/useNow';
import { format, strings } from '../i18n';

type Channel = MfaView['channels'][number]['channel'];

export function MfaScreen({ view, client }: { view: MfaView; client: KeywayClient }): React.JSX.Element {
  const [remember, setRemember] = useState(false);
  const now = useNow();
  const choices = view.channels.filter((c) => c.available || (c.channel === 'totp' && view.canEnroll));
  const choose = (channel: Channel): void => void client.invoke('chooseMfaChannel', { channel }).catch(() => undefined);
  const submit = (code: string): void => void client.invoke('submitMfaCode', { code, remember }).catch(() => undefined);
  const ready =
    view.channel !== null &&
    (view.channel !== 'totp' ||
      view.enrollment !== null ||
      view.channels.some((c) => c.channel === 'totp' && c.available));

  return (
    <section className="screen" aria-labelledby="mfa-title">
      <h1 id="mfa-title">{strings.mfa.title}</h1>
      <p className="lead">{format(strings.mfa.lead, { loginId: view.loginId, host: view.serverHost })}</p>

      {choices.length > 1 && (
        <fieldset className="channels">
          <legend>{strings.mfa.chooseLegend}</legend>
          {choices.map((option) => (
            <button
              key={option.channel}
              type="button"
              className={view.channel === option.channel ? 'primary' : 'secondary'}
              aria-pressed={view.channel === option.channel}
              onClick={() => choose(option.channel)}
            >
              {strings.mfa.channel[option.channel]}
              {option.hint ? ` (${option.hint})` : ''}
            </button>
          ))}
        </fieldset>
      )}

      {view.channel === 'sms' && (
        <p className="warning" role="note">
          {strings.mfa.smsRisk}
        </p>
      )}

      {view.enrollment && (
        <div className="enrollment">
          <p>{strings.mfa.enrollLead}</p>
          <img className="qr" src={view.enrollment.qrDataUrl} alt={strings.mfa.qrAlt} width={200} height={200} />
          <p>{strings.mfa.secretLead}</p>
          <p className="secret" data-testid="totp-secret">
            {view.enrollment.secret.match(/.{1,4}/g)?.join(' ')}
          </p>
          <button
            type="button"
            className="secondary"
            onClick={() => void navigator.clipboard.writeText(view.enrollment?.secret ?? '')}
          >
            {strings.mfa.copySecret}
          </button>
        </div>
      )}

      {view.sent && (
        <p role="status" data-testid="mfa-sent">
          {format(strings.mfa.sent, { hint: view.sent.hint })}{' '}
          {now < view.sent.expiresAt
            ? format(strings.mfa.expiresIn, { time: formatSeconds(view.sent.expiresAt - now) })
            : strings.mfa.expired}
        </p>
      )}

      {ready && (
        <>
          <p id="mfa-prompt" className="prompt">
            {view.channel === 'totp' ? strings.mfa.totpPrompt : strings.mfa.codePrompt}
          </p>
          <OtpInput
            onComplete={submit}
            disabled={view.busy}
            describedBy={view.error ? 'mfa-prompt mfa-error' : 'mfa-prompt'}
          />
          <label className="checkbox">
            <input type="checkbox" checked={remember} onChange={(event) => setRemember(event.target.checked)} />
            {format(strings.mfa.remember, { days: String(view.trustDays) })}
          </label>
        </>
      )}

      <ErrorMessage error={view.error} id="mfa-error" />

      <div className="actions">
        <CommandButton client={client} command="goBack">
          {strings.back}
        </CommandButton>
        {view.sent && (
          <button
            type="button"
            className="secondary"
            disabled={view.busy || now < view.sent.resendAt}
            onClick={() => void client.invoke('resendMfaCode', {}).catch(() => undefined)}
          >
            {now < view.sent.resendAt
              ? format(strings.mfa.resendIn, { time: formatSeconds(view.sent.resendAt - now) })
              : strings.mfa.resend}
          </button>
        )}
      </div>
    </section>
  );
}
